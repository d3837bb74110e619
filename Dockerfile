# syntax=docker/dockerfile:1
# The operator image: Node 24 LTS, production dependencies only, non-root (uid 65532), no shell.
#
#   docker build -t managed-apps-operator:dev \
#     --build-arg VERSION=0.1.0 --build-arg REVISION="$(git rev-parse HEAD)" .
#   docker run --rm managed-apps-operator:dev --help
#
# Behind a TLS-intercepting proxy, npm needs the machine's CA bundle: pass it as a build secret
# (`--secret id=ca,src=/etc/ssl/certs/ca-certificates.crt`); it is mounted for the `npm ci` steps
# only and is in no layer. Without a Docker engine, test/image/build.sh builds this file with
# buildah (docs/install.md, "The image").
#
# Stages: `build` compiles src/ to dist/ with every dependency (npm run build = tsc);
# `deps` installs the production dependencies alone; the final stage is distroless (no shell, no
# package manager) and copies dist/, node_modules/, the CRDs and the SBOM of the production
# dependencies (`npm sbom`, CycloneDX, at /app/sbom.cdx.json). The base images are arguments so
# that a mirror, a pinned digest or a locally made base (test/image/build-base.sh) can be used.
ARG NODE_IMAGE=node:24-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs24-debian12:nonroot

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: no install script is needed to compile (the `node` devDependency would fetch
# a second Node binary; the base image already has Node 24).
RUN --mount=type=secret,id=ca \
    if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi; \
    npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS deps
# npm sbom names the root component after its directory.
WORKDIR /managed-apps-operator
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=ca \
    if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi; \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
# What the image ships from npm (CycloneDX), read from the tree just installed. devDependencies go
# from this stage's package.json first: with them npm sbom finds the tree incomplete, and its
# --omit=dev drops production packages that a devDependency uses too (npm/cli#7909).
RUN npm pkg delete devDependencies && npm sbom --sbom-format=cyclonedx --sbom-type=application >sbom.cdx.json

FROM ${RUNTIME_IMAGE}
# package.json's version and the commit built; test/image/build.sh passes both.
ARG VERSION=dev
ARG REVISION=unknown
ARG SOURCE=https://github.com/managedapps/managed-apps-operator
LABEL org.opencontainers.image.title="managed-apps-operator" \
      org.opencontainers.image.description="Kubernetes operator that runs managed-services contracts as code" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps --chown=0:0 /managed-apps-operator/node_modules ./node_modules
COPY --from=build --chown=0:0 /src/dist ./dist
COPY --chown=0:0 package.json ./
COPY --chown=0:0 crds ./crds
COPY --from=deps --chown=0:0 /managed-apps-operator/sbom.cdx.json ./sbom.cdx.json
# 65532 is distroless' `nonroot`; the chart's securityContext runs as the same uid.
USER 65532:65532
EXPOSE 8080 9443
# The distroless image has no shell: the exec form, with Node's absolute path.
# Heap bounds: by default V8 lets the young generation and the old space grow far beyond what
# the operator keeps alive (about 1 GB RSS with 7,500 objects); these keep it near 330 MB at
# the same speed ratio (npm run bench operator runs the operator with the flags read from here).
ENTRYPOINT ["/nodejs/bin/node", "--max-old-space-size=384", "--max-semi-space-size=8", "dist/cli/program.js"]
CMD ["run"]
