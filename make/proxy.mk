# tls-proxy: the TLS sidecar (src/Injector.Proxy). Included by the root Makefile.
PROXY_PROJECT := src/Injector.Proxy/Injector.Proxy.csproj
PROXY_TESTS := tests/Injector.Proxy.Tests/Injector.Proxy.Tests.csproj
PROXY_RID ?= linux-x64
PROXY_ARTIFACTS ?= artifacts

.PHONY: proxy-build
proxy-build: ## Build the proxy (IL, for tests and debugging).
	$(DOTNET) build $(PROXY_PROJECT) -c $(CONFIGURATION)

.PHONY: proxy-test
proxy-test: ## Run the proxy's tests (real sockets, generated certificates).
	$(DOTNET) test $(PROXY_TESTS) -c $(CONFIGURATION) --logger "console;verbosity=normal"

.PHONY: proxy-aot-deps
proxy-aot-deps: ## Install what NativeAOT links with (clang, zlib1g-dev) when missing (Debian/Ubuntu, as root).
	@if ! command -v clang >/dev/null && ! ls /usr/bin/clang-[0-9]* >/dev/null 2>&1 || ! test -e /usr/include/zlib.h; then \
		echo "installing clang and zlib1g-dev for the NativeAOT link step"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang zlib1g-dev; \
	fi

.PHONY: proxy-aot
proxy-aot: proxy-aot-deps ## Publish the NativeAOT binary to artifacts/tls-proxy.
	$(DOTNET) publish $(PROXY_PROJECT) -c Release -r $(PROXY_RID) -o $(PROXY_ARTIFACTS)/tls-proxy-publish
	cp $(PROXY_ARTIFACTS)/tls-proxy-publish/tls-proxy $(PROXY_ARTIFACTS)/tls-proxy
	@ls -l $(PROXY_ARTIFACTS)/tls-proxy

.PHONY: proxy-image
proxy-image: ## Build the proxy image (PROXY_IMAGE, the one make images builds) with a local Docker engine.
	docker build -f src/Injector.Proxy/Dockerfile --build-arg VERSION=$(VERSION) -t $(PROXY_IMAGE) .

.PHONY: proxy-bench
proxy-bench: proxy-aot ## Benchmark tls-proxy against haproxy, nginx and stunnel4 on loopback (see docs/benchmarks/proxy.md).
	bench/proxy/run.sh
