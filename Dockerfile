# Kwartier's server with its web app. The demo data is in the image (seeds/data); the database is not.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY web/package.json web/
# Development dependencies too: Vite builds the web app below.
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
# Without DATABASE_URL the embedded database lives in /app/data: the node user must own it.
RUN mkdir -p /app/data && chown node:node /app/data
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s \
  CMD node -e "fetch('http://127.0.0.1:3000/ready').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# node itself as PID 1, not npm: SIGTERM from `docker stop` must reach the server for a graceful shutdown.
CMD ["node", "--import", "tsx", "server/src/main.ts"]
