# Deployment: manifests, images, hack scripts and the end-to-end suite.
# Included by the main Makefile, which defines DOTNET and CONFIGURATION.

KUBECTL ?= kubectl
DIST ?= dist
KUBECONFIG ?= $(HOME)/.kube/config
IMAGE_MODE ?= auto
E2E_PROJECT := tests/Injector.E2E

.PHONY: manifests
manifests: ## Render dist/install.yaml (cert-manager) and dist/install-self-signed.yaml with kubectl kustomize.
	@mkdir -p $(DIST)
	$(KUBECTL) kustomize manifests/overlays/cert-manager > $(DIST)/install.yaml
	$(KUBECTL) kustomize manifests/overlays/self-signed > $(DIST)/install-self-signed.yaml
	@echo "wrote $(DIST)/install.yaml and $(DIST)/install-self-signed.yaml"

.PHONY: images
images: ## Build tls-injector/webhook:dev and tls-injector/tls-proxy:dev (IMAGE_MODE=auto|docker|scratch).
	hack/build-images.sh --mode $(IMAGE_MODE)

.PHONY: e2e
e2e: ## Run tests/Injector.E2E against the cluster of KUBECONFIG (tls-injector must be installed or run-local).
	TLS_INJECTOR_E2E_REQUIRE=1 TLS_INJECTOR_E2E_KUBECONFIG=$(KUBECONFIG) \
		$(DOTNET) test $(E2E_PROJECT) -c $(CONFIGURATION) --logger "console;verbosity=normal"

.PHONY: e2e-kind
e2e-kind: ## Create a kind cluster, build, load and install everything, run the e2e suite, delete the cluster.
	hack/kind-e2e.sh

.PHONY: run-local
run-local: ## Run the webhook out of cluster against KUBECONFIG with url-mode webhook configurations.
	hack/run-local.sh

.PHONY: lint-hack
lint-hack: ## shellcheck every script under hack/.
	shellcheck hack/*.sh
