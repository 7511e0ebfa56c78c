FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# The worker and API never start a dev server in this image (TEMPORAL_ADDRESS is set), so the
# Temporal CLI install step is skipped.
ENV TEMPORAL_CLI_PATH=/nonexistent
RUN npm ci --include=dev --no-audit --no-fund --ignore-scripts
COPY . .
RUN npm run build
EXPOSE 5000
CMD ["npm", "run", "api"]
