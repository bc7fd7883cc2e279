# Targets of the admission webhook (src/Injector.Webhook). Included by the main Makefile.

WEBHOOK_PROJECT := src/Injector.Webhook/Injector.Webhook.csproj
WEBHOOK_TESTS := tests/Injector.Webhook.Tests/Injector.Webhook.Tests.csproj
WEBHOOK_PORT ?= 8443

.PHONY: webhook-build
webhook-build: ## Build the admission webhook.
	$(DOTNET) build $(WEBHOOK_PROJECT) -c $(CONFIGURATION)

.PHONY: webhook-test
webhook-test: ## Run the webhook tests (real Kestrel, real certificates, fake API server).
	$(DOTNET) test $(WEBHOOK_TESTS) -c $(CONFIGURATION)

.PHONY: webhook-aot
webhook-aot: proxy-aot-deps ## Publish the webhook as one NativeAOT binary to artifacts/webhook-aot (0.4 s start, 85-89 MB RSS under load).
	$(DOTNET) publish $(WEBHOOK_PROJECT) -c Release -r linux-x64 -p:PublishAot=true -o artifacts/webhook-aot

.PHONY: webhook-run-local
webhook-run-local: ## Run the webhook on this machine with a self-signed certificate against $KUBECONFIG.
	$(DOTNET) run --project $(WEBHOOK_PROJECT) -c $(CONFIGURATION) -- --self-signed --Webhook:Port=$(WEBHOOK_PORT) --Webhook:BindAddress=127.0.0.1

.PHONY: webhook-bench
webhook-bench: ## Benchmark POST /mutate and /validate against a Go net/http baseline with wrk (bench/webhook/run.sh).
	bash bench/webhook/run.sh $(BENCH_DURATION)
