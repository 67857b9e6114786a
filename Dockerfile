# StockMind's image: compiled in one stage, run without dev dependencies as a non-root user.
#   docker build -t stockmind .
#   docker run -p 8000:8000 -v stockmind-data:/app/data stockmind     (embedded: PGlite in the volume)
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8000 STOCKMIND_DATA_DIR=/app/data
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only: the TA-Lib oracle, the benchmarks' libraries and the test tools stay out.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY models ./models
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=40s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/api/health/').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# SIGTERM from `docker stop` reaches node directly: requests in flight finish, then it exits.
CMD ["node", "bin/stockmind.js", "start"]
