# syntax=docker/dockerfile:1
# trd-cds: CDS Hooks service for treatment-resistant depression.
# BASE_IMAGE must provide Node.js 20 (or 22) with npm; CI builds a local stand-in (scripts/container-check.sh).
ARG BASE_IMAGE=node:20-bookworm-slim

FROM ${BASE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY cds-services ./cds-services
# The build also compiles the FHIR R4 validators start-up needs from the vendored schema (not at every start).
COPY scripts/build-fhir-validators.mjs ./scripts/
COPY fhir-profiles/schemas/fhir-r4 ./fhir-profiles/schemas/fhir-r4
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${BASE_IMAGE} AS runtime
# The commit the image is built from, for the start-up log line (docker build --build-arg GIT_COMMIT=$(git rev-parse HEAD)).
ARG GIT_COMMIT=""
ENV GIT_COMMIT=${GIT_COMMIT} \
    NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY fhir-profiles ./fhir-profiles
COPY cds-services/try-page ./cds-services/try-page
# config/ without the sandbox issuer file (.dockerignore): its private key is public.
COPY config ./config
# The embedded database (PGlite) keeps its files here unless DATABASE_URL names a Postgres server.
RUN mkdir -p /app/data && chown 1000:1000 /app/data
ENV DATA_DIR=/app/data
# Two malloc arenas, not eight per core: the C heap of a mostly single-threaded process (README "Node flags").
ENV MALLOC_ARENA_MAX=2
USER 1000:1000
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--heap-growing-percent=35", "--max-semi-space-size=8", "--liftoff-only", "dist/src/main.js"]
