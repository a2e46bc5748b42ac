// The program's side of the model: GoMicroserviceProps' shorthand (port, metricsPort, probes,
// drainTimeoutSeconds, env) and `app` both become one ResolvedApp, validated here with errors that
// name the prop the user wrote.
import * as kplus from 'cdk8s-plus-27';
import { AppEnv, GoApp, GoldenSetting, Metrics, PortBinding, ShutdownBehavior, WritableDir } from './app';
import { ServiceProbes } from './probes';
import { GoMicroserviceProps, LogLevel } from './props';
import { RuleGate } from '../checklist/engine';
import { secretEnvViolation, timeZoneViolation } from '../checklist/runtime-rules';
import { invalidValue } from '../core/errors';
import { checkPattern, checkPort, PATTERNS } from '../core/patterns';
import { quantityToBytes } from '../core/quantity';
import { Sysctl } from '../core/sysctls';

/** The props a shorthand user writes, by what they describe. */
interface PropNames {
  readonly port: string;
  readonly metrics: string;
  readonly probes: string;
  readonly shutdown: string;
  readonly env: string;
}

const SHORTHAND: PropNames = { port: 'port', metrics: 'metricsPort', probes: 'probes', shutdown: 'drainTimeoutSeconds', env: 'env' };
const DECLARED: PropNames = { port: 'app.port', metrics: 'app.metrics', probes: 'app.probes', shutdown: 'app.shutdown', env: 'app.env' };
const SHORTHAND_PROPS = ['port', 'metricsPort', 'probes', 'drainTimeoutSeconds', 'env'] as const;
const ALWAYS_SET = ['GOMEMLIMIT', 'GOMAXPROCS', 'GOGC', 'TZ'];
const UNPRIVILEGED_PORT_START = 'net.ipv4.ip_unprivileged_port_start';

/** What the program is, resolved from `app` or from the shorthand props. */
export interface ResolvedApp {
  /** Whether `app` was given (then only what it declares is set, and the declaration is recorded). */
  readonly declared: boolean;
  readonly names: PropNames;
  readonly port: PortBinding;
  /** Metrics port and path; undefined for `Metrics.none()`. */
  readonly metrics?: { readonly port: number; readonly ownPort: boolean; readonly path: string };
  readonly probes: ServiceProbes;
  readonly drainSeconds: number;
  readonly env: Record<string, AppEnv>;
  readonly reads: GoldenSetting[];
  readonly command?: string[];
  /** The arguments, with the port flag when the port is given by one. */
  readonly args?: string[];
  readonly writableDirs: WritableDir[];
}

/** `app`, or the golden default app described by the shorthand props; never both. */
export function resolveApp(props: GoMicroserviceProps): ResolvedApp {
  if (props.app === undefined) return shorthandApp(props);
  if (!(props.app instanceof GoApp)) throw invalidValue('app', props.app, 'new GoApp({ ... })');
  for (const prop of SHORTHAND_PROPS) {
    if (props[prop] !== undefined) {
      throw new Error(`${prop}: not allowed together with app; say it in app (${DECLARED[prop === 'metricsPort' ? 'metrics' : prop === 'drainTimeoutSeconds' ? 'shutdown' : prop]})`);
    }
  }
  const a = props.app.props;
  const port = a.port ?? PortBinding.env('PORT', 8080);
  const metrics = a.metrics ?? Metrics.onPort(9090);
  const env = { ...(a.env ?? {}) };
  const resolvedMetrics = resolveMetrics(metrics, port.port, DECLARED.metrics);
  // By default the program reads every golden setting that applies: METRICS_PORT only with a port of its own.
  const allReads = Object.values(GoldenSetting).filter((g) => g !== GoldenSetting.METRICS_PORT || resolvedMetrics?.ownPort);
  return {
    declared: true,
    names: DECLARED,
    port,
    metrics: resolvedMetrics,
    probes: a.probes ?? ServiceProbes.http(),
    drainSeconds: (a.shutdown ?? ShutdownBehavior.drains(20)).drainSeconds,
    env,
    reads: checkReads(a.reads ?? allReads),
    command: checkArguments('app.command', a.command, env),
    args: withPortFlag(checkArguments('app.args', a.args, env), port),
    writableDirs: [...(a.writableDirs ?? [])],
  };
}

function shorthandApp(props: GoMicroserviceProps): ResolvedApp {
  const port = PortBinding.env('PORT', checkPort('port', props.port ?? 8080));
  const metricsPort = checkPort('metricsPort', props.metricsPort ?? 9090);
  const drain = props.drainTimeoutSeconds ?? 20;
  if (!(Number.isInteger(drain) && drain >= 1 && drain <= 3600)) throw invalidValue('drainTimeoutSeconds', drain, 'whole seconds from 1 to 3600');
  return {
    declared: false,
    names: SHORTHAND,
    port,
    metrics: resolveMetrics(Metrics.onPort(metricsPort), port.port, SHORTHAND.metrics),
    probes: props.probes ?? ServiceProbes.http(),
    drainSeconds: drain,
    env: Object.fromEntries(Object.entries(props.env ?? {}).map(([k, v]) => [k, AppEnv.value(v)])),
    reads: Object.values(GoldenSetting),
    writableDirs: [],
  };
}

function resolveMetrics(m: Metrics, appPort: number, prop: string): ResolvedApp['metrics'] {
  if (!(m instanceof Metrics)) throw invalidValue(prop, m, 'Metrics.none(), Metrics.onServicePort(path) or Metrics.onPort(port, path)');
  if (m.path === undefined) return undefined;
  if (m.port === appPort) throw invalidValue(prop, m.port, `a port other than port (${appPort}); use Metrics.onServicePort() for metrics on the service port`);
  return { port: m.port ?? appPort, ownPort: m.port !== undefined, path: m.path };
}

function checkReads(reads: GoldenSetting[]): GoldenSetting[] {
  const known = Object.values(GoldenSetting) as string[];
  for (const r of reads) if (!known.includes(r)) throw invalidValue('app.reads', r, known.join(', '));
  return [...new Set(reads)];
}

/** Exec-form words; `$(NAME)` only for a variable of app.env (the kubelet would expand any other, secrets included). */
function checkArguments(prop: string, words: string[] | undefined, env: Record<string, AppEnv>): string[] | undefined {
  if (words === undefined) return undefined;
  words.forEach((w, i) => {
    checkPattern(`${prop}[${i}]`, w, PATTERNS.containerArgument, 'exec-form words of letters, digits and _ . , : = / @ % + -, and $(NAME) for a variable of app.env');
    for (const [, name] of w.matchAll(/\$\(([A-Za-z0-9_]+)\)/g)) {
      if (!(name in env)) throw invalidValue(`${prop}[${i}]`, w, `$(NAME) only for a variable of app.env (${Object.keys(env).join(', ') || 'none declared'})`);
    }
  });
  return [...words];
}

/** The arguments with the port flag last (after a subcommand such as `serve`). */
function withPortFlag(args: string[] | undefined, port: PortBinding): string[] | undefined {
  if (!port.flagName) return args;
  return [...(args ?? []), `${port.flagName}=${port.value}`];
}

/** What the environment is built from besides the app. */
export interface RuntimeFacts {
  readonly goMemLimit: string;
  readonly goMaxProcs: boolean;
  readonly drainSeconds: number;
  /** SHUTDOWN_DELAY: 0 when the preStop sleep action delays SIGTERM. */
  readonly appDelaySeconds: number;
}

/** The container environment (R04, R05, R06, R09, R10, R16): what the program reads, then its own variables. */
export function appEnvironment(props: GoMicroserviceProps, app: ResolvedApp, f: RuntimeFacts, gate: RuleGate): Record<string, kplus.EnvValue> {
  const timeZone = props.timeZone ?? 'UTC';
  gate.check('R09', 'timeZone', timeZoneViolation(timeZone));
  if (props.logLevel !== undefined && !app.reads.includes(GoldenSetting.LOG_LEVEL)) {
    throw new Error('logLevel: the program does not read LOG_LEVEL (app.reads); remove logLevel or add GoldenSetting.LOG_LEVEL');
  }
  const value = kplus.EnvValue.fromValue;
  const golden: Record<GoldenSetting, string | undefined> = {
    METRICS_PORT: app.metrics?.ownPort ? String(app.metrics.port) : undefined,
    SHUTDOWN_DRAIN_TIMEOUT: String(f.drainSeconds),
    SHUTDOWN_DELAY: String(f.appDelaySeconds),
    LANG: 'C.UTF-8',
    LOG_LEVEL: props.logLevel ?? LogLevel.INFO,
    LOG_FORMAT: 'json',
    NO_COLOR: '1',
  };
  const reads = (s: GoldenSetting) => app.reads.includes(s);
  if (reads(GoldenSetting.METRICS_PORT) && golden.METRICS_PORT === undefined) {
    throw new Error('app.reads: METRICS_PORT needs metrics on a port of their own (app.metrics: Metrics.onPort(port))');
  }
  const env: Record<string, kplus.EnvValue> = {};
  if (app.port.envName) env[app.port.envName] = value(app.port.value);
  if (reads(GoldenSetting.METRICS_PORT)) env.METRICS_PORT = value(golden.METRICS_PORT!);
  env.GOMEMLIMIT = value(f.goMemLimit);
  if (f.goMaxProcs) env.GOMAXPROCS = kplus.EnvValue.fromResource(kplus.ResourceFieldPaths.CPU_LIMIT, { divisor: '1' });
  // The order of the golden conventions, so a default service renders as it always has.
  for (const s of [GoldenSetting.SHUTDOWN_DRAIN_TIMEOUT, GoldenSetting.SHUTDOWN_DELAY, 'TZ', GoldenSetting.LANG, GoldenSetting.LOG_LEVEL, GoldenSetting.LOG_FORMAT, GoldenSetting.NO_COLOR]) {
    if (s === 'TZ') env.TZ = value(timeZone);
    else if (reads(s as GoldenSetting)) env[s] = value(golden[s as GoldenSetting]!);
  }
  for (const [k, v] of Object.entries(app.env)) env[k] = ownVariable(app, k, v, Object.keys(env), gate);
  return env;
}

function ownVariable(app: ResolvedApp, name: string, v: AppEnv, taken: string[], gate: RuleGate): kplus.EnvValue {
  const prop = `${app.names.env}.${name}`;
  if (!PATTERNS.envName.test(name)) throw invalidValue(prop, name, 'environment variable names: letters, digits and "_"');
  if (!(v instanceof AppEnv)) throw invalidValue(prop, v, 'AppEnv.value(v), AppEnv.podIp(), .podName(), .namespace() or .nodeName()');
  if (taken.includes(name) || ALWAYS_SET.includes(name)) {
    throw new Error(`${prop}: set by golden-go from its own prop (GOMEMLIMIT from resources.memoryLimit, TZ from timeZone, LOG_LEVEL from logLevel, SHUTDOWN_* from the shutdown, ${app.port.envName ?? 'the port variable'} from ${app.names.port}, the golden settings the program reads); remove it from ${app.names.env}`);
  }
  if (v.fieldPath !== undefined) return kplus.EnvValue.fromFieldRef(v.fieldPath as kplus.EnvFieldPaths);
  gate.check('R16', prop, secretEnvViolation({ name, value: v.fixedValue }));
  // The kubelet expands $(VAR) in values: a value must not reach other variables (secrets included).
  return kplus.EnvValue.fromValue(checkPattern(prop, v.fixedValue!, PATTERNS.envValue, 'one line of printable ASCII without "$("'));
}

/** The pod sysctls: the user's, plus the unprivileged-port start a port below 1024 needs. */
export function appSysctls(props: GoMicroserviceProps, app: ResolvedApp): Sysctl[] {
  const sysctls = [...(props.sysctls ?? [])];
  const ports = [app.port.port, ...(app.metrics?.ownPort ? [app.metrics.port] : [])];
  const lowest = Math.min(...ports);
  if (lowest >= 1024) return sysctls;
  const prop = lowest === app.port.port ? app.names.port : app.names.metrics;
  if (props.hostNetwork) {
    throw new Error(`${prop}: port ${lowest} needs the sysctl ${UNPRIVILEGED_PORT_START}, which a pod with hostNetwork cannot set (it would change the node's own network stack); use a port from 1024 or drop hostNetwork`);
  }
  const own = sysctls.find((s) => s.name.replace(/\//g, '.') === UNPRIVILEGED_PORT_START);
  if (own === undefined) return [...sysctls, { name: UNPRIVILEGED_PORT_START, value: String(lowest) }];
  if (!(Number(own.value) <= lowest)) {
    throw invalidValue(`sysctls.${UNPRIVILEGED_PORT_START}`, own.value, `at most ${lowest}: ${prop} listens on ${lowest} as a non-root user`);
  }
  return sysctls;
}

/** A writable directory as the builders need it. */
export interface ResolvedWritableDir {
  readonly path: string;
  readonly sizeMiB: number;
  readonly inMemory: boolean;
}

/** The writable directories besides /tmp, with their sizes. */
export function appWritableDirs(app: ResolvedApp, secretMounts: string[]): ResolvedWritableDir[] {
  const seen = new Set(['/tmp', ...secretMounts]);
  return app.writableDirs.map((d, i) => {
    const prop = `app.writableDirs[${i}]`;
    if (!(d instanceof WritableDir)) throw invalidValue(prop, d, 'WritableDir.emptyDir(path) or WritableDir.memory(path)');
    if (seen.has(d.path)) throw invalidValue(prop, d.path, 'a directory other than /tmp, the secretFiles mounts and the other writableDirs');
    seen.add(d.path);
    return { path: d.path, sizeMiB: Math.max(1, Math.ceil(quantityToBytes(d.sizeLimit, `${prop}.sizeLimit`) / 2 ** 20)), inMemory: d.inMemory };
  });
}
