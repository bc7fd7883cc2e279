# The webhook without any base image: its NativeAOT binary (or, without clang, a self-contained publish) plus the
# shared libraries it loads, staged by hack/build-images.sh into rootfs/. For machines that can build but cannot pull images.
FROM scratch
COPY rootfs/ /
ENV ASPNETCORE_HTTP_PORTS= \
    DOTNET_gcServer=0 \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
USER 65532:65532
WORKDIR /app
EXPOSE 8443
ENTRYPOINT ["/app/Injector.Webhook"]
