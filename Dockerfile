# checkride container image, for the weekly report CronJob (deploy/cronjob.yaml).
#
# NOT BUILT IN CI: the CI machines have no Docker engine, so this file is untested there.
# Build and push it yourself:
#   docker build -t registry.example.com/platform/checkride:0.1.0 .
#   docker push registry.example.com/platform/checkride:0.1.0
#
# The image holds checkride and the system CA certificates (for HTTPS to API servers and GitHub).
# It has no kubectl, so `kustomize:DIR` sides are for CI runners, not for this image.

FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked && strip target/release/checkride

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/checkride /usr/local/bin/checkride
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/checkride"]
