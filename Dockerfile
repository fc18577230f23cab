# The API process, which also serves the built wall map on the same port.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN node scripts/build.mjs

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json /app/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist
COPY --from=build /app/apps/api/assets ./apps/api/assets
EXPOSE 3000
# The V8 flags of scripts/api-node-flags.json (npm start reads them there; see scripts/start.mjs).
CMD ["node", "--enable-source-maps", "--max-semi-space-size=64", "dist/api/apps/api/src/main.js"]
