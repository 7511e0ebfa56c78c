import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../core/config';
import { chatLogWorkflowId, ingestionWorkflowId, SEARCH_ATTRIBUTES } from '../temporal/task-queues';

/**
 * Keeps docs/openapi.yaml true to the code: every route the routers register is documented (and
 * nothing else), and the facts the reference states about codes, limits, events, headers and the
 * Temporal surface are read back from the sources they describe.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = (relative: string) => readFileSync(path.join(ROOT, relative), 'utf8');

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const ROUTER_METHOD_CALL = /\brouter\.(get|post|put|patch|delete|head|options)\(/g;
const ROUTER_METHOD_WITH_PATH = /\brouter\.(get|post|put|patch|delete|head|options)\(\s*(['"])(.*?)\2/g;

type Json = Record<string, any>;

/** Index just past the string or template literal that opens at `start` (templates may nest `${…}`). */
function endOfLiteral(source: string, start: number): number {
  const quote = source[start];
  for (let index = start + 1; index < source.length; index++) {
    const char = source[index];
    if (char === '\\') {
      index++;
    } else if (quote === '`' && char === '$' && source[index + 1] === '{') {
      index = endOfBlock(source, index + 1) - 1;
    } else if (char === quote) {
      return index + 1;
    }
  }
  throw new Error(`Unterminated literal at offset ${start}`);
}

/** Index just past the bracket that closes the one at `start`, skipping literals and comments. */
function endOfBlock(source: string, start: number): number {
  let depth = 0;
  for (let index = start; index < source.length; index++) {
    const char = source[index];
    if (char === "'" || char === '"' || char === '`') {
      index = endOfLiteral(source, index) - 1;
    } else if (char === '/' && source[index + 1] === '/') {
      index = source.indexOf('\n', index);
    } else if (char === '/' && source[index + 1] === '*') {
      index = source.indexOf('*/', index) + 1;
    } else if ('([{'.includes(char)) {
      depth++;
    } else if (')]}'.includes(char)) {
      depth--;
      if (depth === 0) return index + 1;
    }
  }
  throw new Error(`Unbalanced bracket at offset ${start}`);
}

/** Splits the text between a call's parentheses at its top-level commas. */
function splitArguments(inner: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let index = 0; index < inner.length; index++) {
    const char = inner[index];
    if (char === "'" || char === '"' || char === '`' || '([{'.includes(char)) {
      const end = '([{'.includes(char) ? endOfBlock(inner, index) : endOfLiteral(inner, index);
      current += inner.slice(index, end);
      index = end - 1;
    } else if (char === ',') {
      parts.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** The arguments of every `callee(…)` call in `source`, e.g. every `app.use(…)`. */
function callsOf(source: string, callee: string): string[][] {
  const calls: string[][] = [];
  const pattern = new RegExp(`(?<![\\w.])${callee.replace('.', '\\.')}\\(`, 'g');
  for (const match of source.matchAll(pattern)) {
    const open = match.index! + match[0].length - 1;
    const close = endOfBlock(source, open);
    calls.push(splitArguments(source.slice(open + 1, close - 1)));
  }
  return calls;
}

/** `'/a'` → ['/a']; `['/a', '/b']` → ['/a', '/b']; anything else (a function, a variable) → null. */
function stringLiterals(argument: string): string[] | null {
  const single = /^(['"])([^'"]*)\1$/.exec(argument);
  if (single) return [single[2]];
  if (/^\[\s*(?:(['"])[^'"]*\1\s*,?\s*)+\]$/.test(argument)) {
    return [...argument.matchAll(/(['"])([^'"]*)\1/g)].map((match) => match[2]);
  }
  return null;
}

const joinPath = (prefix: string, route: string) => (route === '/' ? prefix || '/' : `${prefix}${route}`);
const toOpenApiPath = (expressPath: string) => expressPath.replace(/:(\w+)/g, '{$1}');

interface RouterFacts {
  /** `METHOD /path` for every route a router registers, with its mount prefix. */
  operations: Set<string>;
  /** Paths whose preflight `publicCors` answers. */
  preflightPaths: Set<string>;
  /** Prefixes served by `express.static`. */
  staticPrefixes: Set<string>;
}

/** Reads the mount prefixes in api/app.ts and the routes of every router file it mounts. */
function routerFacts(): RouterFacts {
  const app = read('api/app.ts');
  const factoryFiles = new Map<string, string>();
  for (const match of app.matchAll(/import\s*\{([^}]*)\}\s*from\s*'\.\/routes\/([\w-]+)'/g)) {
    for (const name of match[1].split(',').map((part) => part.trim())) {
      if (name.endsWith('Router')) factoryFiles.set(name, `api/routes/${match[2]}.ts`);
    }
  }
  const aliases = new Map<string, string>();
  for (const match of app.matchAll(/const\s+(\w+)\s*=\s*(\w+Router)\(/g)) aliases.set(match[1], match[2]);

  const prefixesByFile = new Map<string, string[]>();
  for (const args of callsOf(app, 'app.use')) {
    const literal = args.length ? stringLiterals(args[0]) : null;
    const prefixes = literal ?? [''];
    for (const argument of literal ? args.slice(1) : args) {
      const factory = /^(\w+Router)\(/.exec(argument)?.[1] ?? aliases.get(argument);
      const file = factory ? factoryFiles.get(factory) : undefined;
      if (file) prefixesByFile.set(file, [...(prefixesByFile.get(file) ?? []), ...prefixes]);
    }
  }

  const routeFiles = readdirSync(path.join(ROOT, 'api/routes'))
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .map((name) => `api/routes/${name}`);
  for (const file of routeFiles) {
    if (/export function \w+Router\(/.test(read(file)) && !prefixesByFile.has(file)) {
      throw new Error(
        `${file} defines a router that api/app.ts does not mount (or mounts in a way this test cannot read).`,
      );
    }
  }

  const facts: RouterFacts = { operations: new Set(), preflightPaths: new Set(), staticPrefixes: new Set() };
  for (const [file, prefixes] of prefixesByFile) {
    const source = read(file);
    if (/\brouter\.(all|route)\(/.test(source))
      throw new Error(`${file} uses router.all/route, which this test does not read yet.`);
    const withPath = [...source.matchAll(ROUTER_METHOD_WITH_PATH)];
    const calls = [...source.matchAll(ROUTER_METHOD_CALL)];
    if (withPath.length !== calls.length) {
      throw new Error(
        `${file}: every router.<method>(…) must take a literal path so the API reference can be checked.`,
      );
    }
    for (const prefix of prefixes) {
      for (const match of withPath)
        facts.operations.add(`${match[1].toUpperCase()} ${toOpenApiPath(joinPath(prefix, match[3]))}`);
      for (const args of callsOf(source, 'router.use')) {
        const paths = args.length ? stringLiterals(args[0]) : null;
        if (!paths) continue;
        const rest = args.slice(1).join(',');
        for (const routePath of paths) {
          const full = toOpenApiPath(joinPath(prefix, routePath));
          if (/\bpublicCors\b/.test(rest)) facts.preflightPaths.add(full);
          if (/\bexpress\.static\(/.test(rest)) facts.staticPrefixes.add(full);
        }
      }
    }
  }
  return facts;
}

/** Every `.ts` file (tests excluded) under the given top-level directories. */
function sourceFiles(directories: string[]): string[] {
  const files: string[] = [];
  const walk = (relative: string) => {
    for (const name of readdirSync(path.join(ROOT, relative))) {
      const child = `${relative}/${name}`;
      if (statSync(path.join(ROOT, child)).isDirectory()) {
        if (name !== 'node_modules') walk(child);
      } else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) {
        files.push(child);
      }
    }
  };
  directories.forEach(walk);
  return files;
}

function resolvePointer(document: Json, reference: string): unknown {
  if (!reference.startsWith('#/')) return undefined;
  return reference
    .slice(2)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Json)[key] : undefined), document);
}

function collectRefs(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((child) => collectRefs(child, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else collectRefs(value, found);
    }
  }
  return found;
}

describe('docs/openapi.yaml', () => {
  let spec: Json;
  let deref: <T = Json>(node: T) => T;
  let operations: Array<{ method: string; path: string; operation: Json; pathItem: Json }>;
  let facts: RouterFacts;

  beforeAll(() => {
    spec = parse(read('docs/openapi.yaml'));
    deref = <T>(node: T): T => {
      let current: any = node;
      for (let hops = 0; current && typeof current === 'object' && typeof current.$ref === 'string'; hops++) {
        if (hops > 10) throw new Error(`Circular $ref ${current.$ref}`);
        current = resolvePointer(spec, current.$ref);
      }
      return current;
    };
    operations = Object.entries(spec.paths as Json).flatMap(([route, pathItem]) =>
      HTTP_METHODS.filter((method) => pathItem[method]).map((method) => ({
        method,
        path: route,
        operation: pathItem[method],
        pathItem,
      })),
    );
    facts = routerFacts();
  });

  it('is an OpenAPI 3.1 document with info, servers and paths', () => {
    expect(spec.openapi).toMatch(/^3\.1\.\d+$/);
    expect(spec.info.title).toEqual(expect.any(String));
    expect(spec.info.version).toEqual(expect.any(String));
    expect(spec.servers[0].url).toBe(`http://localhost:${loadConfig({}).PORT}`);
    expect(operations.length).toBeGreaterThan(20);
  });

  it('reads the routers correctly (sanity check of the extraction itself)', () => {
    expect(facts.operations).toContain('POST /api/auth/login');
    expect(facts.operations).toContain('DELETE /api/dashboard/clients/{clientId}/api-keys/{keyId}');
    expect(facts.operations).toContain('GET /health');
    expect(facts.preflightPaths).toContain('/chat/stream');
    expect(facts.staticPrefixes).toContain('/widget');
  });

  it('documents every route the routers register', () => {
    const documented = new Set(operations.map(({ method, path: route }) => `${method.toUpperCase()} ${route}`));
    const undocumented = [...facts.operations].filter((operation) => !documented.has(operation));
    expect(undocumented, 'routes missing from docs/openapi.yaml').toEqual([]);
  });

  it('documents the CORS preflight of every path publicCors answers', () => {
    const missing = [...facts.preflightPaths].filter((route) => !spec.paths[route]?.options);
    expect(missing, 'paths whose OPTIONS preflight is not documented').toEqual([]);
  });

  it('documents the static file mounts as a templated path', () => {
    for (const prefix of facts.staticPrefixes) {
      const templated = Object.keys(spec.paths).filter((route) => new RegExp(`^${prefix}/\\{\\w+\\}$`).test(route));
      expect(templated, `a GET ${prefix}/{file} entry`).toHaveLength(1);
      expect(spec.paths[templated[0]].get).toBeDefined();
    }
  });

  it('documents nothing the routers do not serve', () => {
    const stale = operations
      .map(({ method, path: route }) => ({ key: `${method.toUpperCase()} ${route}`, method, route }))
      .filter(({ key, method, route }) => {
        if (facts.operations.has(key)) return false;
        // Served by another listener (the operators' metrics port), named in the path's own `servers`.
        if (spec.paths[route]?.servers?.length) return false;
        if (method === 'options' && facts.preflightPaths.has(route)) return false;
        if (
          method === 'get' &&
          [...facts.staticPrefixes].some((prefix) => new RegExp(`^${prefix}/\\{\\w+\\}$`).test(route))
        )
          return false;
        return true;
      })
      .map(({ key }) => key);
    expect(stale, 'documented operations with no route behind them').toEqual([]);
  });

  it('resolves every $ref', () => {
    const broken = [...new Set(collectRefs(spec))].filter((reference) => resolvePointer(spec, reference) === undefined);
    expect(broken).toEqual([]);
  });

  it('gives every operation a unique operationId, a summary and described responses', () => {
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { method, path: route, operation } of operations) {
      const where = `${method.toUpperCase()} ${route}`;
      expect(operation.summary, where).toEqual(expect.any(String));
      const responses = Object.entries((operation.responses ?? {}) as Record<string, Json>);
      expect(responses.length, where).toBeGreaterThan(0);
      for (const [status, response] of responses) {
        expect(status, where).toMatch(/^(?:[1-5]\d\d|default)$/);
        expect(deref(response).description, `${where} ${status}`).toEqual(expect.any(String));
      }
    }
  });

  it('declares each path template parameter exactly once, as required', () => {
    for (const { method, path: route, operation, pathItem } of operations) {
      const parameters = [...(pathItem.parameters ?? []), ...(operation.parameters ?? [])].map((parameter: Json) =>
        deref(parameter),
      );
      const inPath = parameters.filter((parameter) => parameter.in === 'path');
      const templated = [...route.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
      expect(inPath.map((parameter) => parameter.name).sort(), `${method.toUpperCase()} ${route}`).toEqual(templated);
      expect(inPath.every((parameter) => parameter.required === true)).toBe(true);
    }
  });

  it('requires the right credentials on each surface and names only defined schemes', () => {
    const schemes = spec.components.securitySchemes as Json;
    for (const { method, path: route, operation } of operations) {
      const where = `${method.toUpperCase()} ${route}`;
      const effective: Json[] = operation.security ?? spec.security;
      for (const requirement of effective)
        for (const name of Object.keys(requirement)) expect(schemes[name], where).toBeDefined();
      const names = effective.flatMap((requirement) => Object.keys(requirement));
      if (method === 'options') expect(names, where).toEqual([]);
      else if (route.startsWith('/api/dashboard/') || route === '/api/auth/me')
        expect(names, where).toEqual(['sessionCookie']);
      else if (route.startsWith('/internal/')) expect(names, where).toEqual(['internalSecret']);
      else if (route.startsWith('/chat') || route === '/api/widget/config')
        expect(names.length && names.every((name) => name.startsWith('apiKey')), where).toBeTruthy();
      else expect(names, `${where} is public and must say so with security: []`).toEqual([]);
    }
  });

  it('names the credentials the code actually reads', () => {
    const schemes = spec.components.securitySchemes as Json;
    const cookieName = /SESSION_COOKIE = '([^']+)'/.exec(read('core/http/session-cookie.ts'))?.[1];
    expect(schemes.sessionCookie).toMatchObject({ type: 'apiKey', in: 'cookie', name: cookieName });
    const apiSources = sourceFiles(['api']).map(read).join('\n');
    for (const scheme of Object.values(schemes)) {
      if (scheme.in === 'header') expect(apiSources).toContain(`header('${scheme.name}')`);
      if (scheme.in === 'query') expect(apiSources).toContain(`query.${scheme.name}`);
    }
  });

  it('lists every error code the code can answer with', () => {
    const known = new Set([
      ...Object.keys(spec.components.schemas.ErrorCode['x-known-codes']),
      ...Object.keys(spec.components.schemas.DocumentErrorCode['x-known-codes']),
      ...Object.keys(spec.components.schemas.PageReasonCode['x-known-codes']),
    ]);
    const used = new Map<string, string>();
    for (const file of sourceFiles(['api', 'core', 'activities', 'workflows', 'temporal'])) {
      const source = read(file);
      for (const match of source.matchAll(/\bcode:\s*'([a-z][a-z0-9_]*)'/g)) used.set(match[1], file);
      for (const match of source.matchAll(/\berrorBody\(\s*'([a-z][a-z0-9_]*)'/g)) used.set(match[1], file);
    }
    const unlisted = [...used].filter(([code]) => !known.has(code)).map(([code, file]) => `${code} (${file})`);
    expect(used.size).toBeGreaterThan(10);
    expect(unlisted, 'codes missing from ErrorCode/DocumentErrorCode x-known-codes').toEqual([]);
  });

  it('describes the server-sent events each stream really sends', () => {
    const sent = (file: string) => new Set([...read(file).matchAll(/\bsse\.send\('(\w+)'/g)].map((match) => match[1]));
    const chatEvents = Object.keys(spec.components.responses.ChatEventStream['x-sse-events']);
    expect(new Set(chatEvents)).toEqual(sent('api/routes/chat.ts'));
    const documentEvents = Object.keys(
      spec.paths['/api/dashboard/documents/events'].get.responses['200']['x-sse-events'],
    );
    expect(new Set(documentEvents)).toEqual(sent('api/routes/dashboard.ts'));
    const heartbeatMs = Number(/heartbeatMs = ([\d_]+)/.exec(read('api/sse.ts'))![1].replace(/_/g, ''));
    expect(spec.paths['/chat/stream'].post.description).toContain(`every ${heartbeatMs / 1000} s`);
    expect(spec.paths['/api/dashboard/documents/events'].get.description).toContain(`every ${heartbeatMs / 1000} s`);
  });

  it('states the configured defaults for rate limits, upload size and body limits', () => {
    const config = loadConfig({});
    const description: string = spec.info.description;
    const row = (setting: string) => description.split('\n').find((line) => line.includes(`\`${setting}\``)) ?? '';
    expect(row('RATE_LIMIT_FREE_PER_MINUTE')).toContain(`| ${config.RATE_LIMIT_FREE_PER_MINUTE} |`);
    expect(row('RATE_LIMIT_PAID_PER_MINUTE')).toContain(`| ${config.RATE_LIMIT_PAID_PER_MINUTE} |`);
    expect(row('RATE_LIMIT_VISITOR_PER_MINUTE')).toContain(`| ${config.RATE_LIMIT_VISITOR_PER_MINUTE} |`);
    expect(row('RATE_LIMIT_IP_PER_MINUTE')).toContain(`| ${config.RATE_LIMIT_IP_PER_MINUTE} |`);
    expect(spec.paths['/api/dashboard/documents/upload'].post.description).toContain(
      `default ${config.MAX_FILE_SIZE / 1024 / 1024} MB`,
    );
    const bodyLimits = spec.components.responses.PayloadTooLarge.description as string;
    for (const match of read('api/app.ts').matchAll(/express\.json\(\{\s*limit:\s*'(\d+)(kb|mb)'/g)) {
      expect(bodyLimits).toContain(`${match[1]} ${match[2].toUpperCase()}`);
    }
  });

  it('states the CORS preflight headers publicCors sends', () => {
    const source = read('api/middleware/widget-access.ts');
    const preflight = spec.components.responses.Preflight.description as string;
    expect(preflight).toContain(/ALLOWED_HEADERS = '([^']+)'/.exec(source)![1]);
    expect(preflight).toContain(/'Access-Control-Allow-Methods', '([^']+)'/.exec(source)![1]);
    expect(preflight).toContain(`Access-Control-Max-Age: ${/'Access-Control-Max-Age', '(\d+)'/.exec(source)![1]}`);
  });

  it('describes the Temporal operator surface as the workers define it', () => {
    const description: string = spec.info.description;
    expect(description).toContain(`\`${ingestionWorkflowId('<documentId>')}\``);
    expect(description).toContain(`\`${chatLogWorkflowId('<clientId>', '<sessionId>')}\``);
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) {
      expect(description).toContain(`\`${name}\``);
      expect(description).toContain(`(${type})`);
    }
    const queries = [...read('workflows/ingest-document.ts').matchAll(/defineQuery<[^>]*>\('(\w+)'\)/g)].map(
      (match) => match[1],
    );
    expect(queries.length).toBeGreaterThan(0);
    for (const query of queries) expect(description).toContain(`Query \`${query}\``);
    const gateway = read('temporal/gateway.ts');
    for (const match of gateway.matchAll(/workflow\.(?:start|signalWithStart)\('(\w+)'/g))
      expect(description).toContain(`\`${match[1]}\``);
    for (const match of gateway.matchAll(/\bsignal:\s*'(\w+)'/g)) expect(description).toContain(`\`${match[1]}\``);
    expect(description).toContain(`\`${loadConfig({}).TEMPORAL_TASK_QUEUE}\``);
  });
});
