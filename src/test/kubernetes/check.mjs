// check.mjs - the checks behind validate.sh (run it through that script: it installs the pinned packages this file
// loads, renders the overlays and, when it can, asks the packaged service which probe paths it really serves).
//
//   node check.mjs --generator-files TREE      print the files TREE's secretGenerators read (relative to TREE)
//   node check.mjs --repo DIR --tree DIR --tmp DIR [--service-down URL --service-up URL] NAME=RENDER.yaml...
//
//   --repo          the repository (application.yaml, pom.xml, and git for the secret checks)
//   --tree          the copy of src/main/kubernetes that was rendered (its kustomization.yaml files are read)
//   --tmp           a scratch directory
//   --service-down  the packaged service, started with an unreachable database
//   --service-up    the packaged service, started with its embedded database
//                   Every probe path is requested on both. Without them the probe paths are compared with the
//                   documented endpoints instead.
//
// Env: K8S_NODE_MODULES  node_modules holding kubernetes-models, typescript, ajv, yaml, @marcbachmann/cel-js
//      K8S_EXTRA_FAILED  failures found before (counted into the closing line)
//      K8S_LOG_PREFIX    optional text before each report line
//
// Checks, per rendered overlay:
//   schema      every object against the Kubernetes OpenAPI schema of kubernetes-models (types, formats, enums,
//               required fields) AND, through the TypeScript compiler on the package's type declarations, no unknown
//               field anywhere (as `kubectl apply` with server-side strict field validation); custom resources
//               against the CRD schemas bundled in schemas/ (unknown fields rejected, defaults applied, CEL rules
//               evaluated); a kind without a schema fails.
//   references  names are DNS-1123; selectors match their pods; ConfigMaps, Secrets, ServiceAccounts, Services and
//               scale targets named by an object exist in the same output (or are created by an operator that is in
//               it: CloudNativePG's <cluster>-app Secret and <cluster>-rw Service); one namespace per overlay.
//   security    every pod: runAsNonRoot, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp,
//               read-only root file system, no service-account token, no host namespaces or hostPath; the books
//               container: the image's uid/gid (pom.xml), an emptyDir at /tmp.
//   probes      startup, readiness and liveness probes are httpGet on the container port that is server.port
//               (application.yaml) and the image's port (pom.xml); on the running service: readiness answers 503 while the
//               database is down and 200 when it is up, startup and liveness answer 200 while it is down (liveness
//               does not depend on the database); sane timings.
//   resources   requests and limits; memory request = limit; heap (MaxRAMPercentage of the limit) and the rest.
//   autoscale   the target of a HorizontalPodAutoscaler sets no spec.replicas (the HPA owns it).
//   shutdown    preStop sleep + BOOKS_SHUTDOWN_DELAY >= 5 s (endpoints update before the listener closes) and
//               terminationGracePeriodSeconds >= that + SERVER_SHUTDOWN_GRACE_PERIOD + 5 s.
//   database    DB_PASSWORD_FILE is a file of a mounted Secret, no DB_PASSWORD anywhere, DB_URL's host is a
//               Service of the output; connection budget: (HPA max + surge) x pool size <= max_connections - reserved.
//   auth        write protection: in prod BOOKS_AUTH_TOKENS_FILE (a file of a Secret of the output, mounted without
//               subPath so rotation reaches the pod, not readable by others) and/or BOOKS_AUTH_JWT_JWKS (https or a file)
//               with BOOKS_AUTH_JWT_ISSUER and BOOKS_AUTH_JWT_AUDIENCE; no token in an environment variable.
//   secrets     secretGenerator uses only `files:`/`envs:` that git ignores and does not track, no Secret object in
//               the sources, and no value of a rendered Secret occurs in any file git would commit.
// Prints "ok    CHECK  SUBJECT" / "FAIL  CHECK  SUBJECT: why" lines and "kubernetes-validate: N passed, N failed".
// Exit status: 0 when everything passed, 1 on any failure, 2 on a usage or setup error.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const modulesDir = process.env.K8S_NODE_MODULES;
if (!modulesDir) {
  console.error('K8S_NODE_MODULES is not set (run validate.sh)');
  process.exit(2);
}
const requireTool = createRequire(path.join(path.resolve(modulesDir), 'noop.js'));
const YAML = requireTool('yaml');

// ------------------------------------------------------------------------------------------------ arguments
const args = process.argv.slice(2);
const opts = { renders: [] };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (['--repo', '--tree', '--tmp', '--service-down', '--service-up', '--generator-files'].includes(a)) {
    opts[a.slice(2).replace(/-(\w)/g, (_, c) => c.toUpperCase())] = args[++i];
  } else if (a.includes('=')) {
    const [name, file] = a.split(/=(.*)/s);
    opts.renders.push({ name, file });
  } else {
    console.error(`unknown argument: ${a}`);
    process.exit(2);
  }
}

// Kubernetes reads manifests as YAML 1.1 (sigs.k8s.io/yaml): `on`, `yes`, 0755 ... mean what they mean there.
function readDocs(file) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'), { version: '1.1', uniqueKeys: true });
  const out = [];
  for (const d of docs) {
    if (d.errors.length) throw new Error(`${file}: ${d.errors[0].message}`);
    const o = d.toJS({ maxAliasCount: 100 });
    if (o !== null && o !== undefined) out.push(o);
  }
  return out;
}

// Every kustomization file under DIR, and the files its secretGenerators read (paths relative to DIR).
function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out;
}
function secretGenerators(dir) {
  const out = [];
  for (const rel of listFiles(dir).filter((f) => /(^|\/)kustomization\.ya?ml$/.test(f))) {
    let k;
    try {
      k = YAML.parse(fs.readFileSync(path.join(dir, rel), 'utf8')) ?? {};
    } catch {
      continue; // reported by the render
    }
    for (const g of k.secretGenerator ?? []) {
      const files = [...(g.files ?? []), ...(g.envs ?? []), ...(g.env ? [g.env] : [])]
        .map((entry) => path.normalize(path.join(path.dirname(rel), String(entry).split('=').pop())));
      out.push({ kustomization: rel, name: g.name, literals: g.literals ?? [], files });
    }
  }
  return out;
}
if (opts.generatorFiles) {
  for (const g of secretGenerators(opts.generatorFiles)) for (const f of g.files) console.log(f);
  process.exit(0);
}

const podSpecOf = (o) => {
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'].includes(o.kind)) return o.spec?.template?.spec;
  if (o.kind === 'CronJob') return o.spec?.jobTemplate?.spec?.template?.spec;
  if (o.kind === 'Pod') return o.spec;
  return undefined;
};
const booksDeployments = (objs) =>
  objs.filter((o) => o.kind === 'Deployment' && (podSpecOf(o)?.containers ?? []).some((c) => c.name === 'books'));
const PROBES = ['startupProbe', 'readinessProbe', 'livenessProbe'];

for (const k of ['repo', 'tree', 'tmp']) {
  if (!opts[k]) {
    console.error(`--${k} is required`);
    process.exit(2);
  }
}

// ------------------------------------------------------------------------------------------------ reporting
let passed = 0;
let failed = Number(process.env.K8S_EXTRA_FAILED ?? 0); // e.g. overlays that did not render (validate.sh)
const prefix = process.env.K8S_LOG_PREFIX ?? '';
const ORDER = ['schema', 'references', 'security', 'books', 'probes', 'resources', 'shutdown', 'database', 'auth', 'secrets'];
const results = [];
function report(check, subject, problems) {
  const list = (Array.isArray(problems) ? problems : [problems]).filter(Boolean);
  const lines = [];
  if (list.length === 0) {
    passed += 1;
    lines.push(`${prefix}ok    ${check.padEnd(10)} ${subject}`);
  } else {
    failed += 1;
    lines.push(`${prefix}FAIL  ${check.padEnd(10)} ${subject}: ${list[0]}`);
    for (const p of list.slice(1, 12)) lines.push(`${prefix}                  ${p}`);
    if (list.length > 12) lines.push(`${prefix}                  (${list.length - 12} more)`);
  }
  results.push({ rank: ORDER.indexOf(check), n: results.length, lines });
}
const idOf = (o) => `${o.kind}/${o.metadata?.name ?? '?'}`;

// ------------------------------------------------------------------------------------------------ facts of the service
function duration(text, what) {
  const m = /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/i.exec(String(text).trim());
  if (!m || (!m[1] && !m[2] && !m[3])) throw new Error(`${what}: not an ISO-8601 duration: ${text}`);
  return (Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0);
}
const appYaml = YAML.parse(fs.readFileSync(path.join(opts.repo, 'src/main/resources/application.yaml'), 'utf8'));
const app = {
  port: Number(appYaml?.server?.port),
  grace: appYaml?.server?.['shutdown-grace-period'] ?? 'PT5S',
  delay: appYaml?.books?.['shutdown-delay'] ?? 'PT0S',
  poolSize: Number(appYaml?.db?.pool?.['maximum-size'] ?? 10),
  validationTimeout: duration(appYaml?.db?.pool?.['validation-timeout'] ?? 'PT1S', 'db.pool.validation-timeout'),
  connectionTimeout: duration(appYaml?.db?.pool?.['connection-timeout'] ?? 'PT2S', 'db.pool.connection-timeout'),
};
const pom = fs.readFileSync(path.join(opts.repo, 'pom.xml'), 'utf8');
const jib = /<artifactId>jib-maven-plugin<\/artifactId>([\s\S]*?)<\/plugin>/.exec(pom)?.[1] ?? '';
const image = {
  user: /<user>(\d+):(\d+)<\/user>/.exec(jib),
  ports: [...(/<ports>([\s\S]*?)<\/ports>/.exec(jib)?.[1] ?? '').matchAll(/<port>(\d+)(?:\/tcp)?<\/port>/g)].map((m) =>
    Number(m[1])),
  ramPercentage: Number(/-XX:MaxRAMPercentage=(\d+(?:\.\d+)?)/.exec(jib)?.[1]),
};
// The HTTP status of a path on the running service (validate.sh starts it twice: database down / up).
const liveService = Boolean(opts.serviceDown && opts.serviceUp);
const statusCache = new Map();
async function statusOf(which, p) {
  const base = which === 'dbDown' ? opts.serviceDown : opts.serviceUp;
  const key = `${which} ${p}`;
  if (!statusCache.has(key)) {
    let status;
    try {
      status = (await fetch(new URL(p, base), { signal: AbortSignal.timeout(5000), redirect: 'manual' })).status;
    } catch (e) {
      status = `no answer (${e.name})`;
    }
    statusCache.set(key, status);
  }
  return statusCache.get(key);
}

// ------------------------------------------------------------------------------------------------ schemas
const crdSchemas = new Map(); // "group/version Kind" -> schema
for (const f of fs.readdirSync(path.join(HERE, 'schemas')).filter((n) => n.endsWith('.json'))) {
  const s = JSON.parse(fs.readFileSync(path.join(HERE, 'schemas', f), 'utf8'));
  for (const [version, schema] of Object.entries(s.versions)) crdSchemas.set(`${s.group}/${version} ${s.kind}`, schema);
}

// The kubernetes-models module of an apiVersion/kind, e.g. apps/v1 Deployment -> kubernetes-models/apps/v1/Deployment.
function modelPath(o) {
  if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string' || !/^[A-Za-z0-9]+$/.test(o.kind)) return null;
  const p = `kubernetes-models/${o.apiVersion}/${o.kind}`;
  try {
    requireTool.resolve(p);
    return p;
  } catch {
    return null;
  }
}

function modelErrors(modulePath, className, value) {
  const Model = requireTool(modulePath)[className];
  try {
    new Model(value).validate();
    return [];
  } catch (e) {
    return String(e.message).split(/,\s*(?=data)/).map((s) => s.replace(/^data/, '').trim());
  }
}

// Custom resources: ajv on the CRD's openAPIV3Schema as the API server treats it: defaults applied first, unknown
// fields rejected (every object with `properties` and no x-kubernetes-preserve-unknown-fields gets
// additionalProperties: false), then the CEL rules (x-kubernetes-validations) on the defaulted object. Transition
// rules (those using oldSelf) need the stored object and are skipped.
const Ajv = requireTool('ajv');
const ajv = new Ajv({ strict: false, allErrors: true, useDefaults: true });
ajv.addFormat('int32', { type: 'number', validate: (n) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
ajv.addFormat('int64', { type: 'number', validate: (n) => Number.isSafeInteger(n) });
ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i);
function strictify(node, root = true) {
  if (Array.isArray(node)) return node.map((n) => strictify(n, false));
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'x-kubernetes-validations' || k === 'default' || k === 'enum') out[k] = v;
    else if (k === 'properties') out[k] = Object.fromEntries(Object.entries(v).map(([n, s]) => [n, strictify(s, false)]));
    else out[k] = strictify(v, false);
  }
  if (root && out.properties?.metadata) out.properties.metadata = { type: 'object' }; // checked as ObjectMeta
  if (out.properties && out.additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}
const compiledCrds = new Map();
let cel;
async function crdErrors(key, value) {
  if (!compiledCrds.has(key)) compiledCrds.set(key, ajv.compile(strictify(crdSchemas.get(key))));
  const validate = compiledCrds.get(key);
  const data = structuredClone(value);
  const problems = [];
  if (!validate(data)) {
    for (const e of validate.errors) {
      const extra = e.keyword === 'additionalProperties' ? ` (${e.params.additionalProperty})` : '';
      problems.push(`${e.instancePath || '/'} ${e.message}${extra}`);
    }
    return problems; // CEL on a structurally invalid object would only add noise
  }
  cel ??= await import(requireTool.resolve('@marcbachmann/cel-js'));
  const walk = (schema, node, where) => {
    if (!schema || node === undefined || node === null) return;
    for (const rule of schema['x-kubernetes-validations'] ?? []) {
      if (/\boldSelf\b/.test(rule.rule)) continue;
      let ok;
      let why = rule.message ?? `failed rule: ${rule.rule}`;
      try {
        ok = cel.evaluate(rule.rule, { self: node }) === true;
      } catch (e) {
        ok = false;
        why = `${why} (evaluation error: ${e.message.split('\n')[0]})`;
      }
      if (!ok) problems.push(`${where || '/'} ${why}`);
    }
    if (Array.isArray(node)) node.forEach((n, i) => walk(schema.items, n, `${where}/${i}`));
    else if (typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        const sub = schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
        walk(sub, v, `${where}/${k}`);
      }
    }
  };
  walk(crdSchemas.get(key), data, '');
  return problems;
}

// Unknown fields and wrong literal types, through the TypeScript compiler: every object becomes
// `const oN: IKind = <the object>;` against kubernetes-models' declarations. The walk below checks every property of
// every object literal against its contextual type (complete, unlike the compiler's excess-property error, which it
// reports only when nothing else is wrong with that literal); the compiler's own diagnostics add type errors.
function typeCheck(entries) {
  if (entries.length === 0) return new Map();
  const ts = requireTool('typescript');
  const lines = [];
  entries.forEach((e, i) => {
    lines.push(`import type { ${e.type} as T${i} } from ${JSON.stringify(e.module)};`);
  });
  entries.forEach((e, i) => {
    lines.push(`export const o${i}: T${i} = ${JSON.stringify(e.value, null, 1)};`);
  });
  const file = path.join(opts.tmp, `typecheck-${process.pid}.ts`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  const program = ts.createProgram([file], {
    noEmit: true,
    strict: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    baseUrl: path.resolve(modulesDir),
    paths: { '*': ['*'] },
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const problems = new Map(entries.map((_, i) => [i, []]));
  const declOf = (node) => {
    let n = node;
    while (n && !ts.isVariableDeclaration(n)) n = n.parent;
    return n ? Number(n.name.text.slice(1)) : -1;
  };
  const pathOf = (node) => {
    const parts = [];
    let n = node;
    while (n && !ts.isVariableDeclaration(n)) {
      const p = n.parent;
      if (p && ts.isPropertyAssignment(p) && (p.initializer === n || p.name === n)) parts.unshift(p.name.text);
      else if (p && ts.isArrayLiteralExpression(p)) parts.unshift(String(p.elements.indexOf(n)));
      n = p;
    }
    return `/${parts.join('/')}`;
  };
  const visit = (node) => {
    if (ts.isObjectLiteralExpression(node)) {
      const t = checker.getContextualType(node);
      if (t) {
        const members = (t.isUnion() ? t.types : [t]).filter((m) => m.flags & ts.TypeFlags.Object);
        if (members.length) {
          for (const prop of node.properties) {
            if (!ts.isPropertyAssignment(prop)) continue;
            const name = prop.name.text;
            const known = members.some((m) => checker.getPropertyOfType(m, name) || checker.getIndexInfosOfType(m).length);
            if (!known) {
              const typeName = members.map((m) => checker.typeToString(m)).join(' | ');
              problems.get(declOf(prop)).push(`${pathOf(prop.initializer)}: unknown field "${name}" (not in ${typeName})`);
            }
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  for (const d of ts.getPreEmitDiagnostics(program)) {
    if ([2353, 2561].includes(d.code)) continue; // excess properties: reported by the walk
    const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    if (!d.file || d.file !== source) {
      problems.get(0)?.push(`type declarations: ${text}`);
      continue;
    }
    let node = source;
    const find = (n) => {
      if (d.start >= n.getStart(source) && d.start < n.getEnd()) {
        node = n;
        ts.forEachChild(n, find);
      }
    };
    ts.forEachChild(source, find);
    const i = declOf(node);
    (problems.get(i) ?? problems.get(0)).push(`${pathOf(node)}: ${text}`);
  }
  fs.rmSync(file, { force: true });
  return problems;
}

// ------------------------------------------------------------------------------------------------ helpers
const DNS1123_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'PersistentVolume', 'StorageClass', 'PriorityClass', 'IngressClass']);
const matches = (selector, labels) => Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
const quantity = (q) => {
  if (q === undefined || q === null) return undefined;
  const m = /^(\d+(?:\.\d+)?)(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/.exec(String(q));
  if (!m) return NaN;
  const f = { m: 1e-3, k: 1e3, Ki: 1024, M: 1e6, Mi: 1024 ** 2, G: 1e9, Gi: 1024 ** 3, T: 1e12, Ti: 1024 ** 4 };
  return Number(m[1]) * (m[2] ? f[m[2]] : 1);
};
const MiB = (bytes) => `${Math.round(bytes / 1024 / 1024)} MiB`;

// Environment of a container as the kubelet builds it: envFrom ConfigMaps first, then env (later wins).
function environment(container, objs) {
  const env = new Map();
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) {
      const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === from.configMapRef.name);
      for (const [k, v] of Object.entries(cm?.data ?? {})) env.set(`${from.prefix ?? ''}${k}`, { value: v, from: `ConfigMap ${cm.metadata.name}` });
    }
    if (from.secretRef) env.set(`${from.prefix ?? ''}*`, { secret: from.secretRef.name });
  }
  for (const e of container.env ?? []) env.set(e.name, e.valueFrom ? { valueFrom: e.valueFrom } : { value: e.value ?? '' });
  return env;
}

// ------------------------------------------------------------------------------------------------ per render
const typeEntries = []; // {module, type, value, render, subject}
const pending = []; // functions run after the type check
const allSecrets = []; // {render, name, values}

async function checkRender(render) {
  let objs;
  try {
    objs = readDocs(render.file);
  } catch (e) {
    report('parse', render.name, e.message);
    return;
  }
  if (objs.length === 0) {
    report('parse', render.name, 'the rendered output is empty');
    return;
  }
  const subject = (o) => `${render.name}: ${idOf(o)}`;
  // The base alone is not deployable: the overlays add the database, its Service and the Secret `books-db-app`.
  const partial = render.name === 'base';

  // --- schema
  for (const o of objs) {
    if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string') {
      report('schema', `${render.name}: ${idOf(o)}`, 'apiVersion, kind and metadata.name are required');
      continue;
    }
    const mp = modelPath(o);
    const crdKey = `${o.apiVersion} ${o.kind}`;
    if (mp) {
      // kustomize folds long base64 values over several lines; the API server's decoder (Go's encoding/json into
      // []byte) ignores those line breaks, the schema's "byte" format does not.
      const value = o.kind === 'Secret' && o.data
        ? { ...o, data: Object.fromEntries(Object.entries(o.data).map(([k, v]) => [k, String(v).replace(/[\r\n]/g, '')])) }
        : o;
      const problems = modelErrors(mp, o.kind, value);
      const i = typeEntries.push({ module: mp, type: `I${o.kind}`, value: o }) - 1;
      pending.push((tc) => report('schema', subject(o), [...problems, ...tc.get(i)]));
    } else if (crdSchemas.has(crdKey)) {
      const problems = [...(await crdErrors(crdKey, o)),
        ...modelErrors('@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta', 'ObjectMeta', o.metadata).map((p) => `/metadata${p}`)];
      const i = typeEntries.push({ module: '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta', type: 'IObjectMeta', value: o.metadata }) - 1;
      pending.push((tc) => report('schema', `${subject(o)} (CRD schema)`, [...problems, ...tc.get(i).map((p) => `/metadata${p}`)]));
    } else {
      report('schema', subject(o), `no schema for apiVersion ${o.apiVersion}, kind ${o.kind} (Kubernetes 1.33 API or a bundled CRD)`);
    }
  }

  // --- references and names
  {
    const problems = [];
    const byKind = (k) => objs.filter((o) => o.kind === k);
    const names = new Set(objs.map((o) => `${o.kind}/${o.metadata?.name}`));
    const clusters = byKind('Cluster').filter((o) => o.apiVersion?.startsWith('postgresql.cnpg.io/'));
    const hasSecret = (n) => partial || names.has(`Secret/${n}`) || clusters.some((c) => [`${c.metadata.name}-app`, `${c.metadata.name}-superuser`].includes(n));
    const hasService = (n) => names.has(`Service/${n}`) || clusters.some((c) => ['rw', 'ro', 'r'].some((s) => n === `${c.metadata.name}-${s}`));
    const namespaces = new Set();
    for (const o of objs) {
      const n = o.metadata?.name ?? '';
      const label = ['Service', 'Namespace'].includes(o.kind);
      if (!(label ? DNS1123_LABEL : DNS1123_SUBDOMAIN).test(n)) problems.push(`${idOf(o)}: name is not a DNS-1123 ${label ? 'label' : 'subdomain'}`);
      for (const [k, v] of Object.entries(o.metadata?.labels ?? {})) {
        if (!LABEL_KEY.test(k) || !LABEL_VALUE.test(String(v)) || String(v).length > 63) problems.push(`${idOf(o)}: invalid label ${k}=${v}`);
      }
      if (!CLUSTER_SCOPED.has(o.kind)) namespaces.add(o.metadata?.namespace ?? '(none)');
    }
    if (namespaces.size > 1) problems.push(`objects in several namespaces: ${[...namespaces].join(', ')}`);
    const nsObjects = byKind('Namespace').map((o) => o.metadata.name);
    for (const ns of namespaces) if (ns !== '(none)' && nsObjects.length && !nsObjects.includes(ns)) problems.push(`namespace ${ns} is not the Namespace object of the output`);
    const pods = objs.filter(podSpecOf);
    for (const w of pods) {
      const spec = podSpecOf(w);
      const sel = w.spec?.selector?.matchLabels;
      if (w.kind !== 'Pod' && w.kind !== 'CronJob' && w.kind !== 'Job' && !matches(sel, w.spec?.template?.metadata?.labels)) {
        problems.push(`${idOf(w)}: spec.selector does not match the pod template's labels`);
      }
      if (spec.serviceAccountName && !names.has(`ServiceAccount/${spec.serviceAccountName}`)) problems.push(`${idOf(w)}: ServiceAccount ${spec.serviceAccountName} is not in the output`);
      for (const v of spec.volumes ?? []) {
        if (v.secret && !hasSecret(v.secret.secretName)) problems.push(`${idOf(w)}: Secret ${v.secret.secretName} (volume ${v.name}) is not in the output`);
        if (v.configMap && !names.has(`ConfigMap/${v.configMap.name}`)) problems.push(`${idOf(w)}: ConfigMap ${v.configMap.name} is not in the output`);
      }
      for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
        for (const f of c.envFrom ?? []) {
          if (f.configMapRef && !names.has(`ConfigMap/${f.configMapRef.name}`)) problems.push(`${idOf(w)}: ConfigMap ${f.configMapRef.name} is not in the output`);
          if (f.secretRef && !hasSecret(f.secretRef.name)) problems.push(`${idOf(w)}: Secret ${f.secretRef.name} is not in the output`);
        }
        for (const e of c.env ?? []) {
          const s = e.valueFrom?.secretKeyRef;
          const m = e.valueFrom?.configMapKeyRef;
          if (s && !hasSecret(s.name)) problems.push(`${idOf(w)}: Secret ${s.name} (env ${e.name}) is not in the output`);
          if (m && !names.has(`ConfigMap/${m.name}`)) problems.push(`${idOf(w)}: ConfigMap ${m.name} (env ${e.name}) is not in the output`);
        }
        const portNames = (c.ports ?? []).map((p) => p.name).filter(Boolean);
        for (const p of PROBES) {
          const port = c[p]?.httpGet?.port ?? c[p]?.tcpSocket?.port;
          if (typeof port === 'string' && !portNames.includes(port)) problems.push(`${idOf(w)}: ${c.name}.${p} uses port "${port}", which the container does not name`);
        }
      }
    }
    for (const s of byKind('Service')) {
      if (!s.spec?.selector) continue;
      const targets = pods.filter((w) => matches(s.spec.selector, w.spec?.template?.metadata?.labels ?? w.metadata?.labels));
      if (targets.length === 0) problems.push(`${idOf(s)}: its selector matches no pod template of the output`);
      for (const port of s.spec.ports ?? []) {
        if (typeof port.targetPort !== 'string') continue;
        for (const t of targets) {
          if (!podSpecOf(t).containers.some((c) => (c.ports ?? []).some((p) => p.name === port.targetPort))) {
            problems.push(`${idOf(s)}: targetPort "${port.targetPort}" is not a port name of ${idOf(t)}`);
          }
        }
      }
    }
    for (const p of byKind('PodDisruptionBudget')) {
      if (!pods.some((w) => matches(p.spec?.selector?.matchLabels, w.spec?.template?.metadata?.labels))) problems.push(`${idOf(p)}: its selector matches no pod template of the output`);
      if (p.spec?.minAvailable !== undefined && p.spec?.maxUnavailable !== undefined) problems.push(`${idOf(p)}: minAvailable and maxUnavailable are mutually exclusive`);
    }
    for (const h of byKind('HorizontalPodAutoscaler')) {
      const r = h.spec?.scaleTargetRef ?? {};
      if (!names.has(`${r.kind}/${r.name}`)) problems.push(`${idOf(h)}: scale target ${r.kind}/${r.name} is not in the output`);
      if ((h.spec?.minReplicas ?? 1) > h.spec?.maxReplicas) problems.push(`${idOf(h)}: minReplicas > maxReplicas`);
    }
    for (const np of byKind('NetworkPolicy')) {
      const sel = np.spec?.podSelector?.matchLabels;
      const cnpgSelected = clusters.some((c) => sel?.['cnpg.io/cluster'] === c.metadata.name);
      if (sel && Object.keys(sel).length && !cnpgSelected && !pods.some((w) => matches(sel, w.spec?.template?.metadata?.labels))) {
        problems.push(`${idOf(np)}: its podSelector matches no pod of the output`);
      }
    }
    report('references', render.name, problems);
    render.hasService = hasService;
  }

  // --- security, every pod template
  for (const w of objs.filter(podSpecOf)) {
    const spec = podSpecOf(w);
    const psc = spec.securityContext ?? {};
    const problems = [];
    if (spec.hostNetwork || spec.hostPID || spec.hostIPC) problems.push('host namespaces are shared');
    if ((spec.volumes ?? []).some((v) => v.hostPath)) problems.push('a hostPath volume');
    const sa = objs.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === (spec.serviceAccountName ?? 'default'));
    const automount = spec.automountServiceAccountToken ?? sa?.automountServiceAccountToken ?? true;
    if (automount !== false) problems.push('automountServiceAccountToken is not false (pod or its ServiceAccount)');
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      const sc = c.securityContext ?? {};
      const eff = (k) => sc[k] ?? psc[k];
      if (eff('runAsNonRoot') !== true) problems.push(`${c.name}: runAsNonRoot is not true`);
      if (eff('runAsUser') === 0) problems.push(`${c.name}: runAsUser is 0`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${c.name}: allowPrivilegeEscalation is not false`);
      if (sc.privileged === true) problems.push(`${c.name}: privileged`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${c.name}: readOnlyRootFilesystem is not true`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push(`${c.name}: capabilities.drop lacks ALL`);
      if ((sc.capabilities?.add ?? []).length) problems.push(`${c.name}: capabilities.add is not empty`);
      if (!['RuntimeDefault', 'Localhost'].includes(eff('seccompProfile')?.type)) problems.push(`${c.name}: seccompProfile is not RuntimeDefault`);
      if (!c.resources?.limits?.memory) problems.push(`${c.name}: no memory limit`);
      if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory) problems.push(`${c.name}: no cpu/memory request`);
    }
    report('security', subject(w), problems);
  }

  // --- the books Deployment(s)
  const books = booksDeployments(objs);
  if (books.length === 0) {
    report('books', render.name, 'no Deployment with a container named "books"');
    return;
  }
  const hpas = objs.filter((o) => o.kind === 'HorizontalPodAutoscaler');
  // An HPA owns spec.replicas of its target: a value in the manifest is applied again by every `kubectl apply` and
  // scales the workload back to it (Kubernetes docs, "Migrating Deployments and StatefulSets to horizontal autoscaling").
  for (const h of hpas) {
    const ref = h.spec?.scaleTargetRef ?? {};
    const target = objs.find((o) => o.kind === ref.kind && o.metadata?.name === ref.name);
    const problems = [];
    if (target && target.spec?.replicas !== undefined) problems.push(`${idOf(target)} sets spec.replicas (${target.spec.replicas}) although ${idOf(h)} scales it: every kubectl apply would reset it; leave replicas out`);
    report('autoscale', `${render.name}: ${idOf(h)} owns the replicas of ${ref.kind}/${ref.name}`, problems);
  }
  for (const d of books) {
    const spec = podSpecOf(d);
    const c = spec.containers.find((x) => x.name === 'books');
    const env = environment(c, objs);
    const envValue = (k) => env.get(k)?.value;
    const subj = subject(d);

    // container identity and hardening specific to the image
    {
      const problems = [];
      const sc = c.securityContext ?? {};
      const uid = sc.runAsUser ?? spec.securityContext?.runAsUser;
      const gid = sc.runAsGroup ?? spec.securityContext?.runAsGroup;
      if (!image.user) problems.push('pom.xml: no <user>uid:gid</user> in the Jib configuration');
      else if (String(uid) !== image.user[1] || String(gid) !== image.user[2]) problems.push(`runAsUser/runAsGroup ${uid}/${gid} differ from the image's user ${image.user[1]}:${image.user[2]} (pom.xml)`);
      const tmp = (c.volumeMounts ?? []).find((m) => m.mountPath === '/tmp');
      const vol = tmp && (spec.volumes ?? []).find((v) => v.name === tmp.name);
      if (!vol?.emptyDir) problems.push('no emptyDir volume mounted at /tmp (the root file system is read-only)');
      const hpa = hpas.find((h) => h.spec?.scaleTargetRef?.kind === 'Deployment' && h.spec?.scaleTargetRef?.name === d.metadata.name);
      const minPods = hpa ? hpa.spec?.minReplicas ?? 1 : d.spec?.replicas ?? 1;
      if (render.name !== 'dev' && minPods < 2) problems.push(`at least 2 replicas outside dev (replicas ${d.spec?.replicas}, HPA min ${hpa?.spec?.minReplicas})`);
      if (!hpa) problems.push('no HorizontalPodAutoscaler targets this Deployment');
      if (!objs.some((o) => o.kind === 'PodDisruptionBudget' && matches(o.spec?.selector?.matchLabels, d.spec?.template?.metadata?.labels))) problems.push('no PodDisruptionBudget covers its pods');
      if (render.name === 'prod' && (/:latest$/.test(c.image) || !/[:@]/.test(c.image.split('/').pop()))) problems.push(`prod image ${c.image} is not pinned to a version or digest`);
      report('books', `${subj}: replicas, HPA, PDB, uid, /tmp`, problems);
    }

    // probes
    {
      const problems = [];
      const portOf = (p) => {
        const port = c[p]?.httpGet?.port;
        if (typeof port === 'number') return port;
        return (c.ports ?? []).find((x) => x.name === port)?.containerPort;
      };
      const serverPort = envValue('SERVER_PORT') !== undefined ? Number(envValue('SERVER_PORT')) : app.port;
      if (serverPort !== app.port) problems.push(`SERVER_PORT ${serverPort} overrides server.port ${app.port}; the image exposes ${image.ports}`);
      if (!image.ports.includes(app.port)) problems.push(`server.port ${app.port} (application.yaml) is not a port of the image (pom.xml: ${image.ports})`);
      const declared = (c.ports ?? []).map((p) => p.containerPort);
      if (!declared.includes(serverPort)) problems.push(`no containerPort is server.port ${serverPort}`);
      for (const p of PROBES) {
        const probe = c[p];
        if (!probe) {
          problems.push(`no ${p}`);
          continue;
        }
        if (!probe.httpGet) {
          problems.push(`${p} is not httpGet (the image has no shell; the kubelet should ask the endpoint itself)`);
          continue;
        }
        if (portOf(p) !== serverPort) problems.push(`${p} port ${probe.httpGet.port} -> ${portOf(p)}, but the service listens on ${serverPort}`);
        if ((probe.httpGet.scheme ?? 'HTTP') !== 'HTTP') problems.push(`${p} scheme ${probe.httpGet.scheme}: the service speaks plain HTTP`);
      }
      const pathOf = (p) => c[p]?.httpGet?.path;
      const ready = pathOf('readinessProbe');
      const live = pathOf('livenessProbe');
      const started = pathOf('startupProbe');
      if (liveService) {
        const statuses = {};
        for (const p of [ready, live, started].filter((x) => typeof x === 'string' && x.startsWith('/'))) {
          statuses[p] = { dbDown: await statusOf('dbDown', p), dbUp: await statusOf('dbUp', p) };
        }
        const st = (which, p) => statuses[p]?.[which];
        if (ready !== undefined && !(st('dbDown', ready) === 503 && st('dbUp', ready) === 200)) {
          problems.push(`readinessProbe ${ready}: the service answered ${st('dbUp', ready)} with its database and ${st('dbDown', ready)} without (want 200 and 503)`);
        }
        if (live !== undefined && st('dbDown', live) !== 200) problems.push(`livenessProbe ${live}: the service answered ${st('dbDown', live)} while its database was down (want 200: liveness must not depend on the database)`);
        if (started !== undefined && st('dbDown', started) !== 200) problems.push(`startupProbe ${started}: the service answered ${st('dbDown', started)} while its database was down (want 200)`);
      } else {
        if (ready !== undefined && ready !== '/observe/health/ready') problems.push(`readinessProbe path ${ready}, want /observe/health/ready`);
        if (live !== undefined && live !== '/observe/health/live') problems.push(`livenessProbe path ${live}, want /observe/health/live`);
        if (started !== undefined && !['/observe/health/started', '/observe/health/live'].includes(started)) problems.push(`startupProbe path ${started}, want /observe/health/started`);
      }
      if (ready !== undefined && ready === live) problems.push('liveness and readiness use the same path: a database outage would restart every pod');
      const rp = c.readinessProbe ?? {};
      const lp = c.livenessProbe ?? {};
      const sp = c.startupProbe ?? {};
      // The readiness check waits for a pooled connection (up to connection-timeout, e.g. when every connection is
      // busy under load) and then validates it (up to validation-timeout).
      const readinessBound = app.connectionTimeout + app.validationTimeout;
      if ((rp.timeoutSeconds ?? 1) <= readinessBound) problems.push(`readinessProbe timeoutSeconds ${rp.timeoutSeconds ?? 1} must exceed the database check's bound db.pool.connection-timeout + db.pool.validation-timeout (${readinessBound} s)`);
      if ((rp.periodSeconds ?? 10) * (rp.failureThreshold ?? 3) > 30) problems.push('readinessProbe takes more than 30 s to take a pod out of the endpoints');
      if ((lp.periodSeconds ?? 10) * (lp.failureThreshold ?? 3) < 20) problems.push('livenessProbe restarts after less than 20 s of failures (GC pauses, CPU throttling)');
      if ((lp.timeoutSeconds ?? 1) < 2) problems.push('livenessProbe timeoutSeconds < 2');
      if ((sp.periodSeconds ?? 10) * (sp.failureThreshold ?? 3) < 60) problems.push('startupProbe allows less than 60 s for start-up (migrations included)');
      report('probes', `${subj}: ${[started, ready, live].join(', ')} on ${serverPort}${liveService ? ' (checked on the running service)' : ' (static: no running service)'}`, problems);
    }

    // resources and the JVM
    {
      const problems = [];
      const r = c.resources ?? {};
      const limit = quantity(r.limits?.memory);
      const request = quantity(r.requests?.memory);
      let detail = '';
      if (!limit) problems.push('no memory limit: -XX:MaxRAMPercentage would size the heap from the node');
      else {
        if (request !== limit) problems.push(`memory request ${r.requests?.memory} differs from the limit ${r.limits?.memory} (the pod could be evicted or OOM-killed under node pressure)`);
        if (!image.ramPercentage) problems.push('pom.xml: no -XX:MaxRAMPercentage among the Jib jvmFlags');
        else {
          const heap = (limit * image.ramPercentage) / 100;
          detail = ` (limit ${r.limits.memory}: heap ${MiB(heap)} at ${image.ramPercentage} %, ${MiB(limit - heap)} for the rest)`;
          if (heap < 192 * 1024 ** 2) problems.push(`heap ${MiB(heap)} < 192 MiB`);
          if (limit - heap < 96 * 1024 ** 2) problems.push(`only ${MiB(limit - heap)} outside the heap (metaspace, stacks, code cache need about 96 MiB)`);
        }
      }
      if (!r.requests?.cpu) problems.push('no CPU request (the HPA measures utilization against it)');
      if (quantity(r.limits?.cpu) > 2) problems.push(`CPU limit ${r.limits.cpu} > 2: the image's serial GC is chosen for 1-2 CPUs`);
      report('resources', `${subj}${detail}`, problems);
    }

    // shutdown timeline
    {
      const problems = [];
      const sleep = c.lifecycle?.preStop?.sleep?.seconds ?? 0;
      if (c.lifecycle?.preStop?.exec) problems.push('preStop exec: the image has no shell or sleep binary; use the sleep action');
      let delay;
      let grace;
      try {
        delay = duration(envValue('BOOKS_SHUTDOWN_DELAY') ?? app.delay, 'BOOKS_SHUTDOWN_DELAY');
        grace = duration(envValue('SERVER_SHUTDOWN_GRACE_PERIOD') ?? app.grace, 'SERVER_SHUTDOWN_GRACE_PERIOD');
      } catch (e) {
        problems.push(e.message);
      }
      const tgps = spec.terminationGracePeriodSeconds ?? 30;
      if (delay !== undefined && grace !== undefined) {
        if (sleep + delay < 5) problems.push(`preStop sleep ${sleep} s + BOOKS_SHUTDOWN_DELAY ${delay} s < 5 s: the listener could close before the endpoints and proxies drop the pod`);
        if (tgps < sleep + delay + grace + 5) problems.push(`terminationGracePeriodSeconds ${tgps} < preStop ${sleep} + delay ${delay} + grace ${grace} + 5 s margin: SIGKILL could cut in-flight requests`);
      }
      report('shutdown', `${subj}: preStop ${sleep} s + delay ${delay} s + grace ${grace} s, terminationGracePeriodSeconds ${tgps}`, problems);
    }

    // database settings and budget
    {
      const problems = [];
      for (const [k, v] of env) {
        if (k === 'DB_PASSWORD' || k === 'DB_PASSWORD_FILE' ? false : /PASSWORD/i.test(k)) problems.push(`environment variable ${k} looks like a password`);
        if (k === 'DB_PASSWORD') problems.push(`DB_PASSWORD is set${v.from ? ` (${v.from})` : ''}: the password must come from a mounted Secret file (DB_PASSWORD_FILE)`);
      }
      for (const cm of objs.filter((o) => o.kind === 'ConfigMap')) {
        for (const k of Object.keys(cm.data ?? {})) if (/PASSWORD/i.test(k) && k !== 'DB_PASSWORD_FILE') problems.push(`ConfigMap ${cm.metadata.name} holds ${k}`);
      }
      const file = envValue('DB_PASSWORD_FILE');
      if (!file) problems.push('DB_PASSWORD_FILE is not set');
      else {
        const mount = (c.volumeMounts ?? []).find((m) => file.startsWith(`${m.mountPath.replace(/\/$/, '')}/`));
        const vol = mount && (spec.volumes ?? []).find((v) => v.name === mount.name);
        const rel = mount && file.slice(mount.mountPath.replace(/\/$/, '').length + 1);
        if (!vol?.secret) problems.push(`DB_PASSWORD_FILE ${file} is not in a mounted Secret volume`);
        else if (vol.secret.items && !vol.secret.items.some((it) => it.path === rel)) problems.push(`the Secret volume ${vol.name} has no item at ${rel}`);
        else if (!vol.secret.items && rel !== 'password') problems.push(`DB_PASSWORD_FILE names ${rel}, the Secret key is password`);
        const mode = vol?.secret?.defaultMode;
        if (mode !== undefined && (mode & 0o007) !== 0) problems.push(`Secret volume mode ${mode.toString(8)} is readable by others`);
      }
      const url = envValue('DB_URL');
      const host = /^jdbc:postgresql:\/\/([^/:?]+)(?::(\d+))?\//.exec(url ?? '');
      if (!host) problems.push(`DB_URL ${url} is not a jdbc:postgresql://host[:port]/db URL`);
      else if (!partial && !host[1].includes('.') && !render.hasService?.(host[1])) problems.push(`DB_URL host ${host[1]} is not a Service of the output`);
      // connection budget
      const pool = Number(envValue('DB_POOL_MAXIMUM_SIZE') ?? app.poolSize);
      const hpa = hpas.find((h) => h.spec?.scaleTargetRef?.name === d.metadata.name);
      const surge = d.spec?.strategy?.rollingUpdate?.maxSurge ?? '25%';
      const maxPods = hpa?.spec?.maxReplicas ?? d.spec?.replicas ?? 1;
      const surgePods = typeof surge === 'number' ? surge : Math.ceil((maxPods * parseInt(surge, 10)) / 100);
      const cluster = objs.find((o) => o.kind === 'Cluster' && o.apiVersion?.startsWith('postgresql.cnpg.io/'));
      const pg = objs.find((o) => o.kind === 'StatefulSet' && (podSpecOf(o).containers ?? []).some((x) => /(^|\/)postgres(ql)?:/.test(x.image ?? '')));
      let maxConnections = 100;
      let reserved = 3;
      let source = 'PostgreSQL default';
      const params = cluster?.spec?.postgresql?.parameters;
      if (params?.max_connections) {
        maxConnections = Number(params.max_connections);
        source = `Cluster ${cluster.metadata.name}`;
      }
      if (params?.superuser_reserved_connections) reserved = Number(params.superuser_reserved_connections);
      if (params?.reserved_connections) reserved += Number(params.reserved_connections);
      const args = pg ? (podSpecOf(pg).containers[0].args ?? []).join(' ') : '';
      const mc = /max_connections=(\d+)/.exec(args);
      if (mc) {
        maxConnections = Number(mc[1]);
        source = `StatefulSet ${pg.metadata.name}`;
      }
      const margin = 10;
      const need = (maxPods + surgePods) * pool;
      const budget = maxConnections - reserved - margin;
      if (!cluster && !pg) {
        if (!partial) problems.push('no database in the output: cannot check the connection budget');
      } else if (need > budget) problems.push(`connection budget: (${maxPods} pods + ${surgePods} surge) x pool ${pool} = ${need} > max_connections ${maxConnections} - ${reserved} reserved - ${margin} for operators/administrators = ${budget}; lower the HPA maxReplicas or DB_POOL_MAXIMUM_SIZE, raise max_connections, or put PgBouncer in between`);
      const budgetText = cluster || pg ? `connections (${maxPods} + ${surgePods}) x ${pool} = ${need}, room ${budget} (${source})` : 'no database (base)';
      report('database', `${subj}: password file, DB_URL, ${budgetText}`, problems);
    }

    // write protection (README.md, "Protecting writes"): required in prod, optional elsewhere
    {
      const problems = [];
      const what = [];
      for (const k of env.keys()) {
        if (/TOKEN/i.test(k) && k !== 'BOOKS_AUTH_TOKENS_FILE') problems.push(`environment variable ${k} looks like a token: tokens come from a mounted Secret file (BOOKS_AUTH_TOKENS_FILE)`);
      }
      const tokensFile = envValue('BOOKS_AUTH_TOKENS_FILE');
      if (tokensFile) {
        const mount = (c.volumeMounts ?? []).find((m) => tokensFile.startsWith(`${m.mountPath.replace(/\/$/, '')}/`));
        const vol = mount && (spec.volumes ?? []).find((v) => v.name === mount.name);
        const rel = mount && tokensFile.slice(mount.mountPath.replace(/\/$/, '').length + 1);
        if (!vol?.secret) problems.push(`BOOKS_AUTH_TOKENS_FILE ${tokensFile} is not in a mounted Secret volume`);
        else {
          if (mount.subPath) problems.push('the tokens Secret is mounted with subPath: the kubelet never updates such a file, so tokens could not rotate without a restart');
          const item = (vol.secret.items ?? []).find((it) => it.path === rel);
          if (vol.secret.items && !item) problems.push(`the Secret volume ${vol.name} has no item at ${rel}`);
          const mode = vol.secret.defaultMode;
          if (mode !== undefined && (mode & 0o007) !== 0) problems.push(`tokens Secret volume mode ${mode.toString(8)} is readable by others`);
          const secret = objs.find((o) => o.kind === 'Secret' && o.metadata?.name === vol.secret.secretName);
          const key = item ? item.key : rel;
          if (!partial && !secret) problems.push(`the tokens Secret ${vol.secret.secretName} is not in the output`);
          else if (secret && !Object.hasOwn({ ...secret.data, ...secret.stringData }, key)) problems.push(`the tokens Secret ${secret.metadata.name} has no key ${key}`);
        }
        what.push(`static tokens from ${tokensFile}`);
      }
      const jwks = envValue('BOOKS_AUTH_JWT_JWKS');
      if (jwks) {
        for (const k of ['BOOKS_AUTH_JWT_ISSUER', 'BOOKS_AUTH_JWT_AUDIENCE']) if (!envValue(k)) problems.push(`${k} must be set with BOOKS_AUTH_JWT_JWKS (the service refuses to start without it)`);
        if (!/^https:\/\//.test(jwks) && !jwks.startsWith('/')) problems.push(`BOOKS_AUTH_JWT_JWKS ${jwks}: fetch the keys over https (or mount them as a file); the service refuses other URLs`);
        what.push(`JWT from ${jwks}`);
      }
      const required = render.name === 'prod';
      if (required && envValue('BOOKS_AUTH_REQUIRED') !== 'true') problems.push('BOOKS_AUTH_REQUIRED is not "true": a misspelt or missing credential setting would open writes instead of stopping the start');
      if (required && what.length === 0) problems.push('writes are open to anyone who reaches the Service: set BOOKS_AUTH_TOKENS_FILE (a file of a mounted Secret) and/or BOOKS_AUTH_JWT_JWKS with BOOKS_AUTH_JWT_ISSUER and BOOKS_AUTH_JWT_AUDIENCE');
      report('auth', `${subj}: ${what.length ? what.join(', ') : required ? 'no write protection' : 'writes open (allowed outside prod)'}`, problems);
    }
  }

  for (const s of objs.filter((o) => o.kind === 'Secret')) {
    const values = [];
    for (const v of Object.values(s.data ?? {})) values.push(Buffer.from(String(v), 'base64').toString('utf8'));
    for (const v of Object.values(s.stringData ?? {})) values.push(String(v));
    allSecrets.push({ render: render.name, name: s.metadata.name, values });
  }
}

// ------------------------------------------------------------------------------------------------ secrets in git
function gitLines(argv) {
  return execFileSync('git', ['-C', opts.repo, ...argv], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\n').filter(Boolean);
}
function checkSecrets() {
  const repoRel = 'src/main/kubernetes';
  const problems = [];
  const treeFiles = listFiles(opts.tree);
  // Which of the tree's paths git would ignore, judged by the repository's .gitignore files plus the tree's own.
  const ignored = new Set();
  {
    const out = execFileSync('git', ['-C', opts.repo, 'check-ignore', '--no-index', '--stdin', '-v', '-n'], {
      input: treeFiles.map((f) => `${repoRel}/${f}`).join('\n'), encoding: 'utf8',
    });
    // -n -v prints "source:line:pattern<TAB>path", "::<TAB>path" where no pattern matches; a negated pattern
    // (!name) means "not ignored".
    for (const line of out.split('\n').filter(Boolean)) {
      const [meta, p] = line.split('\t');
      const pattern = meta.split(':').slice(2).join(':');
      if (meta !== '::' && !pattern.startsWith('!')) ignored.add(p.slice(repoRel.length + 1));
    }
  }
  const tracked = new Set(gitLines(['ls-files', '--', repoRel]).map((p) => p.slice(repoRel.length + 1)));
  const generatorFiles = new Set();
  for (const g of secretGenerators(opts.tree)) {
    if (g.literals.length) problems.push(`${g.kustomization}: secretGenerator ${g.name} has literals (a value in git); use files: with an untracked file`);
    for (const file of g.files) {
      generatorFiles.add(file);
      if (tracked.has(file)) problems.push(`${g.kustomization}: secretGenerator ${g.name} reads ${file}, which git tracks`);
      else if (!ignored.has(file)) problems.push(`${g.kustomization}: secretGenerator ${g.name} reads ${file}, which git does not ignore (it would be committed)`);
    }
  }
  for (const rel of treeFiles.filter((f) => /\.ya?ml$/.test(f) && !generatorFiles.has(f))) {
    let docs = [];
    try {
      docs = readDocs(path.join(opts.tree, rel));
    } catch {
      continue;
    }
    for (const d of docs) if (d?.kind === 'Secret' && (d.data || d.stringData)) problems.push(`${rel}: a Secret with data in a committed file`);
  }
  // Every value of every rendered Secret must be absent from what git would commit.
  const corpus = [];
  for (const f of gitLines(['ls-files', '-co', '--exclude-standard'])) {
    if (f.startsWith(`${repoRel}/`)) continue;
    try {
      corpus.push([f, fs.readFileSync(path.join(opts.repo, f), 'latin1')]);
    } catch {
      // deleted in the work tree
    }
  }
  for (const f of treeFiles) if (!ignored.has(f)) corpus.push([`${repoRel}/${f}`, fs.readFileSync(path.join(opts.tree, f), 'latin1')]);
  let count = 0;
  for (const s of allSecrets) {
    for (const v of s.values) {
      count += 1;
      if (v.trim().length < 8) {
        problems.push(`${s.render}: Secret ${s.name} has a value shorter than 8 characters`);
        continue;
      }
      const hit = corpus.find(([, text]) => text.includes(v.trim()));
      if (hit) problems.push(`${s.render}: a value of Secret ${s.name} is written in ${hit[0]}`);
    }
  }
  report('secrets', `${allSecrets.length} rendered Secret(s) with ${count} value(s) vs. files git would commit; secretGenerator sources`, problems);
}

// ------------------------------------------------------------------------------------------------ main
try {
  for (const r of opts.renders) await checkRender(r);
  let tc;
  try {
    tc = typeCheck(typeEntries);
  } catch (e) {
    console.error(`type check failed to run: ${e.stack}`);
    process.exit(2);
  }
  for (const p of pending) p(tc);
  checkSecrets();
} catch (e) {
  console.error(e.stack);
  process.exit(2);
}
results.sort((a, b) => a.rank - b.rank || a.n - b.n);
for (const r of results) for (const line of r.lines) console.log(line);
console.log(`kubernetes-validate: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
