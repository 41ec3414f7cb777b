# headprobe in a container: a static, stripped binary on distroless, running as nonroot.
#
#   docker build -t headprobe .
#   docker run --rm --network host headprobe --l2 http://127.0.0.1:8545
#
# To put headprobe into another image (e.g. op-geth, for Kubernetes exec probes):
#   COPY --from=headprobe /usr/local/bin/headprobe /usr/local/bin/headprobe
#
# deploy/deploy_test.go checks this file (base images, CGO_ENABLED=0, paths, user).

FROM --platform=$BUILDPLATFORM golang:1.26-bookworm AS build
ARG TARGETOS
ARG TARGETARCH
# docker build --build-arg VERSION=$(git describe --tags --always --dirty) --build-arg COMMIT=$(git rev-parse HEAD) .
ARG VERSION=unknown
ARG COMMIT=unknown
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOEXPERIMENT=nogreenteagc GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -tags urfave_cli_no_docs,nethttpomithttp2 -trimpath -o /out/headprobe \
    -gcflags=crypto/tls=-l -gcflags=crypto/x509=-l -gcflags=math/big=-l -gcflags=log/slog=-l \
    -gcflags=runtime/pprof=-l -gcflags=text/template/parse=-l -gcflags=go.yaml.in/yaml/v3=-l \
    -ldflags="-s -w -X github.com/headprobe/headprobe/internal/cli.version=$VERSION -X github.com/headprobe/headprobe/internal/cli.commit=$COMMIT" .

FROM gcr.io/distroless/static-debian12:nonroot
LABEL org.opencontainers.image.title="headprobe" \
      org.opencontainers.image.description="One-shot health probe for OP-stack sequencers" \
      org.opencontainers.image.source="https://github.com/headprobe/headprobe"
COPY --from=build /out/headprobe /usr/local/bin/headprobe
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/headprobe"]
