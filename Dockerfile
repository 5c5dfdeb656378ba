# linkgate container image (docs/deployment.md). Two stages from the same Debian 12:
# build the .deb exactly as `make package` does, then install that .deb on debian:12-slim, so
# the image runs what the Debian package ships, with its dependencies from Debian.
#
#   docker build -t linkgate .
#   docker run -p 127.0.0.1:3000:3000 -e AUTH_SECRET_FILE=/run/secrets/auth_secret ... linkgate

FROM debian:12 AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends make \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# `make package` installs the build's Debian packages (DEB_PACKAGES) and builds the server alone.
RUN apt-get update && make package && rm -rf /var/lib/apt/lists/*

FROM debian:12-slim
COPY --from=build /src/build/linkgate_*_amd64.deb /tmp/
# curl only for the HEALTHCHECK (libcurl is a dependency of linkgate already).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      /tmp/linkgate_*_amd64.deb ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* /tmp/linkgate_*_amd64.deb \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/linkgate --create-home \
      --shell /usr/sbin/nologin linkgate
COPY packaging/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh

USER linkgate
WORKDIR /var/lib/linkgate
# The SQLite file and the development secret, when those are used.
VOLUME /var/lib/linkgate
ENV HOST=0.0.0.0 PORT=3000
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${PORT}/healthz" || exit 1
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["serve"]
