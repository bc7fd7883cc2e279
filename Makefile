# tls-injector — run `make help` for the list of targets.
SHELL = /usr/bin/env bash -o pipefail
.SHELLFLAGS = -ec
.DEFAULT_GOAL := help

DOTNET ?= dotnet
CONFIGURATION ?= Release
SOLUTION := Injector.sln

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"} /^[a-zA-Z0-9_.-]+:.*##/ { printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

.PHONY: restore
restore: ## Restore NuGet packages.
	$(DOTNET) restore $(SOLUTION)

.PHONY: build
build: ## Build everything (warnings are errors).
	$(DOTNET) build $(SOLUTION) -c $(CONFIGURATION)

.PHONY: test
test: ## Run every test (the e2e suite skips without a cluster).
	$(DOTNET) test $(SOLUTION) -c $(CONFIGURATION) --logger "console;verbosity=normal"

# Each component keeps its own targets in make/*.mk.
-include make/*.mk
