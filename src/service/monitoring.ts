import { checkLabels } from '../core/patterns';

/** Options of a Prometheus Operator ServiceMonitor. */
export interface ServiceMonitorOptions {
  /**
   * Labels on the ServiceMonitor. kube-prometheus-stack only selects ServiceMonitors labelled
   * `release: <helm release>`; without the right label the monitor is silently ignored.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Scrape interval such as `30s`.
   * @default - the Prometheus global interval
   */
  readonly interval?: string;
  /**
   * A PrometheusRule next to the ServiceMonitor (same labels, so the same Prometheus selects it) with
   * alerts on what is known to exist: the scrape target down (`up`), and from kube-state-metrics the
   * app container restarting and being OOMKilled.
   * @default false
   */
  readonly alerts?: boolean;
  /**
   * The program exports client_golang's Go collector (`go_memstats_*`, the default registry does): adds
   * an alert on the Go runtime's memory staying near GOMEMLIMIT (the GC then runs more and more often).
   * Only with `alerts`.
   * @default false
   */
  readonly goRuntimeMetrics?: boolean;
}

/** How Prometheus finds the `metrics` port (rule R11). */
export class Monitoring {
  /** A Prometheus Operator ServiceMonitor for the Service's `metrics` port. */
  public static serviceMonitor(options: ServiceMonitorOptions = {}): Monitoring {
    if (options.interval !== undefined && !/^[0-9]+(ms|s|m|h)$/.test(options.interval)) {
      throw new Error(`monitoring: interval "${options.interval}" is not valid; allowed: a duration such as "30s" or "1m"`);
    }
    checkLabels('monitoring.labels', options.labels ?? {});
    if (options.goRuntimeMetrics && !options.alerts) {
      throw new Error('monitoring.goRuntimeMetrics: only with alerts: true (it adds an alert to the PrometheusRule)');
    }
    return new Monitoring(true, options);
  }

  /**
   * `prometheus.io/scrape|port|path` pod annotations, read by the community Prometheus Helm chart's
   * scrape configs (the Operator ignores them).
   */
  public static annotations(): Monitoring {
    return new Monitoring(false, {});
  }

  /** Whether a ServiceMonitor is emitted. */
  public readonly usesServiceMonitor: boolean;
  /** The ServiceMonitor options. */
  public readonly options: ServiceMonitorOptions;

  private constructor(usesServiceMonitor: boolean, options: ServiceMonitorOptions) {
    this.usesServiceMonitor = usesServiceMonitor;
    this.options = options;
  }
}
