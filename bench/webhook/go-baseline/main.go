// A minimal admission webhook in Go's net/http, the baseline for bench/webhook/run.sh: TLS on the given port,
// POST /mutate decodes the whole AdmissionReview (object included) and answers with a fixed JSON patch;
// POST /validate decodes it too, then parses and checks the Secrets its pod template names (see validate.go).
package main

import (
	"encoding/base64"
	"encoding/json"
	"flag"
	"log"
	"net/http"
)

type review struct {
	APIVersion string                 `json:"apiVersion"`
	Kind       string                 `json:"kind"`
	Request    *request               `json:"request,omitempty"`
	Response   map[string]interface{} `json:"response,omitempty"`
}

type request struct {
	UID    string                 `json:"uid"`
	Object map[string]interface{} `json:"object"`
}

var patch = base64.StdEncoding.EncodeToString([]byte(`[{"op":"add","path":"/metadata/annotations/tls-injector.io~1status","value":"injected"}]`))

func mutate(w http.ResponseWriter, r *http.Request) {
	var in review
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 3<<20)).Decode(&in); err != nil || in.Request == nil {
		http.Error(w, "bad review", http.StatusBadRequest)
		return
	}
	out := review{APIVersion: in.APIVersion, Kind: "AdmissionReview", Response: map[string]interface{}{
		"uid": in.Request.UID, "allowed": true, "patchType": "JSONPatch", "patch": patch,
	}}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:19443", "listen address")
	cert := flag.String("cert", "tls.crt", "certificate PEM")
	key := flag.String("key", "tls.key", "key PEM")
	secrets := flag.String("secrets", "", "directory of Secrets for /validate, one subdirectory per Secret name")
	flag.Parse()
	if *secrets != "" {
		if err := loadSecrets(*secrets); err != nil {
			log.Fatal(err)
		}
	}
	http.HandleFunc("/mutate", mutate)
	http.HandleFunc("/validate", validate)
	log.Fatal(http.ListenAndServeTLS(*addr, *cert, *key, nil))
}
