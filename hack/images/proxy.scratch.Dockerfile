# The tls-proxy sidecar without any base image: the NativeAOT binary (or, where NativeAOT cannot build,
# a self-contained single-file publish) plus the shared libraries it loads, staged by hack/build-images.sh.
# Same runtime contract as src/Injector.Proxy/Dockerfile: /tls-proxy, UID 65532, nothing written to disk.
FROM scratch
COPY rootfs/ /
# As in src/Injector.Proxy/Dockerfile: client certificates are checked against the pod's ca.crt only, so
# OpenSSL is pointed at an empty store instead of loading the system roots at the first handshake.
ENV SSL_CERT_FILE=/dev/null \
    SSL_CERT_DIR=/nonexistent \
    DOTNET_BUNDLE_EXTRACT_BASE_DIR=/tmp
USER 65532:65532
EXPOSE 8443 15021
ENTRYPOINT ["/tls-proxy"]
