# The tls-proxy sidecar without any base image: the NativeAOT binary (or, where NativeAOT cannot build,
# a self-contained single-file publish) plus the shared libraries it loads, staged by hack/build-images.sh.
FROM scratch
COPY rootfs/ /
USER 65532:65532
EXPOSE 8443 15021
ENTRYPOINT ["/tls-proxy"]
