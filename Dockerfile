# syntax=docker/dockerfile:1
#
# Dauys in a container: one static binary on a distroless base, running as
# a non-root user, with nothing to write but its data volume, so that it
# runs with a read-only root filesystem:
#
#   docker build -t dauys .
#   docker run --read-only --tmpfs /tmp -v dauys-data:/data -p 8080:8080 dauys
#
# docs/deploy.md explains the setups (a commission's LAN, a national
# deployment) and what to mount. The Go version follows go.mod; pin the
# base images by digest in production builds (docs/deploy.md).

FROM golang:1.26-bookworm AS build
WORKDIR /src
# The modules first, so that a change to the code does not download them
# again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# CGO_ENABLED=0: SQLite is modernc.org/sqlite, pure Go, so the binary is
# static and needs no libc in the image. -trimpath keeps the build
# machine's paths out of it.
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/dauys ./cmd/dauys
# The data folder, owned by the user the server runs as.
RUN mkdir -p /out/data && chown 65532:65532 /out/data && chmod 0700 /out/data

# distroless/static: CA certificates, tzdata and /etc/passwd with the
# nonroot user (65532), and no shell, package manager or libc.
FROM gcr.io/distroless/static-debian12:nonroot
LABEL org.opencontainers.image.title="dauys" \
      org.opencontainers.image.description="Dauys: the count of referendums and elections, results and transparency log" \
      org.opencontainers.image.source="https://github.com/dauys/dauys" \
      org.opencontainers.image.documentation="https://github.com/dauys/dauys/blob/main/docs/deploy.md"
COPY --from=build /out/dauys /usr/local/bin/dauys
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
WORKDIR /data
VOLUME ["/data"]
# 8080: the API and the site (behind a TLS proxy, --trust-proxy); 9090:
# /metrics, for the monitoring network only.
EXPOSE 8080 9090
# No shell or curl here: the binary asks its own /readyz, which answers
# 200 once the elections are loaded. The start period covers loading a
# national election's area tree.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["/usr/local/bin/dauys", "serve", "--addr", "127.0.0.1:8080", "--check-ready"]
ENTRYPOINT ["/usr/local/bin/dauys"]
CMD ["serve", "--db", "/data/dauys.db", "--addr", "0.0.0.0:8080", "--metrics-addr", "0.0.0.0:9090", "--log-format", "json"]
