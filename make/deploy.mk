# Deployment: manifests, images, hack scripts and the end-to-end suite.
# Included by the main Makefile, which defines DOTNET and CONFIGURATION.

KUBECTL ?= kubectl
DIST ?= dist
KUBECONFIG ?= $(HOME)/.kube/config
IMAGE_MODE ?= auto
E2E_PROJECT := tests/Injector.E2E

RENDER = IMG_TAG=$(IMG_TAG) IMAGE_REPOSITORY=$(IMAGE_REPOSITORY) KUBECTL=$(KUBECTL) hack/render-manifests.sh

.PHONY: manifests
manifests: ## Render dist/install.yaml (cert-manager) and dist/install-self-signed.yaml, images pinned to IMG_TAG.
	@test -n "$(IMG_TAG)" || { echo "make: no version; is git and the .NET SDK installed?" >&2; exit 1; }
	@mkdir -p $(DIST)
	$(RENDER) manifests/overlays/cert-manager > $(DIST)/install.yaml
	$(RENDER) manifests/overlays/self-signed > $(DIST)/install-self-signed.yaml
	@echo "wrote $(DIST)/install.yaml and $(DIST)/install-self-signed.yaml ($(WEBHOOK_IMAGE), $(PROXY_IMAGE))"

.PHONY: dist
dist: ## The release files: both install manifests, every image pinned to one tag that is neither dev nor latest.
	@case "$(IMG_TAG)" in dev|latest) echo "make dist: IMG_TAG=$(IMG_TAG) is not a release tag" >&2; exit 1 ;; esac
	@if [[ "$(VERSION)" =~ ^[0-9]+\.[0-9]+\.[0-9]+$$ ]] && ! grep -qF '## [$(VERSION)]' CHANGELOG.md; then \
		echo "make dist: CHANGELOG.md has no '## [$(VERSION)]' entry for this release (docs/release.md)" >&2; exit 1; \
	fi
	@$(MAKE) --no-print-directory manifests VERSION=$(VERSION) IMG_TAG=$(IMG_TAG) IMAGE_REPOSITORY=$(IMAGE_REPOSITORY)
	@for f in $(DIST)/install.yaml $(DIST)/install-self-signed.yaml; do \
		if grep -nE '(image:|ProxyImage:) ' "$$f" | grep -vE ':$(IMG_TAG)$$'; then \
			echo "make dist: $$f has an image not tagged $(IMG_TAG) (above)" >&2; exit 1; \
		fi; \
	done

.PHONY: images
images: ## Build tls-injector/webhook and tls-proxy tagged IMG_TAG (REGISTRY=… prefixes both; IMAGE_MODE=auto|docker|scratch).
	VERSION=$(VERSION) IMG_TAG=$(IMG_TAG) IMAGE_REPOSITORY=$(IMAGE_REPOSITORY) hack/build-images.sh --mode $(IMAGE_MODE)

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
