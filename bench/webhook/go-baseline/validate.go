package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// secretData stands in for an informer's cache: each Secret's files, read once at start.
var secretData = map[string]map[string][]byte{}

func loadSecrets(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		data := map[string][]byte{}
		for _, key := range []string{"tls.crt", "tls.key", "ca.crt"} {
			if b, err := os.ReadFile(filepath.Join(dir, e.Name(), key)); err == nil {
				data[key] = b
			}
		}
		secretData[e.Name()] = data
	}
	return nil
}

type meta struct {
	Annotations map[string]string `json:"annotations"`
}

// workload is the part of a Pod or a Deployment /validate reads: the pod's or the template's annotations.
type workload struct {
	Metadata meta `json:"metadata"`
	Spec     struct {
		Template *struct {
			Metadata meta `json:"metadata"`
		} `json:"template"`
	} `json:"spec"`
}

type validateReview struct {
	APIVersion string `json:"apiVersion"`
	Request    *struct {
		UID    string   `json:"uid"`
		Object workload `json:"object"`
	} `json:"request"`
}

// validate does per request what a webhook without a memo does: decode the review, then parse each named
// Secret's PEM, match its key, verify the chain to ca.crt and check expiry against now.
func validate(w http.ResponseWriter, r *http.Request) {
	var in validateReview
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 3<<20)).Decode(&in); err != nil || in.Request == nil {
		http.Error(w, "bad review", http.StatusBadRequest)
		return
	}
	annotations := in.Request.Object.Metadata.Annotations
	if t := in.Request.Object.Spec.Template; t != nil {
		annotations = t.Metadata.Annotations
	}
	var problems []string
	if name := annotations["tls-injector.io/secret"]; name != "" {
		if err := checkServer(name); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if name := annotations["tls-injector.io/client-ca-secret"]; name != "" {
		if err := checkClientCA(name); err != nil {
			problems = append(problems, err.Error())
		}
	}
	response := map[string]interface{}{"uid": in.Request.UID, "allowed": len(problems) == 0}
	if len(problems) > 0 {
		response["status"] = map[string]interface{}{"code": 403, "message": strings.Join(problems, "; ")}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]interface{}{"apiVersion": in.APIVersion, "kind": "AdmissionReview", "response": response})
}

func checkServer(name string) error {
	data, ok := secretData[name]
	if !ok {
		return fmt.Errorf("secret %s does not exist", name)
	}
	pair, err := tls.X509KeyPair(data["tls.crt"], data["tls.key"]) // parses the chain and the key, and matches them
	if err != nil {
		return fmt.Errorf("secret %s: %w", name, err)
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return err
	}
	if time.Now().After(leaf.NotAfter) {
		return fmt.Errorf("secret %s: certificate expired", name)
	}
	if ca := data["ca.crt"]; len(ca) > 0 {
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(ca) {
			return fmt.Errorf("secret %s: ca.crt does not parse", name)
		}
		intermediates := x509.NewCertPool()
		for _, der := range pair.Certificate[1:] {
			c, err := x509.ParseCertificate(der)
			if err != nil {
				return err
			}
			intermediates.AddCert(c)
		}
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: intermediates, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
			return fmt.Errorf("secret %s: %w", name, err)
		}
	}
	return nil
}

func checkClientCA(name string) error {
	data, ok := secretData[name]
	if !ok {
		return fmt.Errorf("secret %s does not exist", name)
	}
	rest, found := data["ca.crt"], 0
	for {
		var block *pem.Block
		if block, rest = pem.Decode(rest); block == nil {
			break
		}
		ca, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return fmt.Errorf("secret %s: ca.crt: %w", name, err)
		}
		if !ca.IsCA || time.Now().After(ca.NotAfter) {
			return fmt.Errorf("secret %s: %s is not a current CA certificate", name, ca.Subject)
		}
		found++
	}
	if found == 0 {
		return errors.New("ca.crt holds no certificate")
	}
	return nil
}
