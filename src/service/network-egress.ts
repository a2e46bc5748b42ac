import { DNS_LABEL } from '../core/constants';
import { checkLabels } from '../core/patterns';

/** Protocols of an egress rule. */
export enum EgressProtocol {
  /** TCP. */
  TCP = 'TCP',
  /** UDP. */
  UDP = 'UDP',
}

/**
 * A dependency the service may reach (rule R13: everything else is denied, DNS is always allowed).
 */
export class NetworkEgress {
  /**
   * Pods selected by labels in a namespace, such as a database.
   * @param namespace namespace of the pods
   * @param podLabels labels that select them
   * @param ports destination ports
   */
  public static toPods(namespace: string, podLabels: Record<string, string>, ports: number[],
    protocol: EgressProtocol = EgressProtocol.TCP): NetworkEgress {
    if (Object.keys(podLabels).length === 0) throw new Error('egress: podLabels must select something; use toNamespace() for a whole namespace');
    checkLabels('egress.podLabels', podLabels);
    return new NetworkEgress({ ...namespacePeer(namespace), podSelector: { matchLabels: { ...podLabels } } }, ports, protocol);
  }

  /** Every pod in a namespace. */
  public static toNamespace(namespace: string, ports: number[], protocol: EgressProtocol = EgressProtocol.TCP): NetworkEgress {
    return new NetworkEgress(namespacePeer(namespace), ports, protocol);
  }

  /**
   * An IP range outside the cluster, such as a managed database or an external API.
   * @param cidr IPv4 or IPv6 CIDR
   */
  public static toCidr(cidr: string, ports: number[], protocol: EgressProtocol = EgressProtocol.TCP): NetworkEgress {
    if (!/^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/.test(cidr)) throw new Error(`egress: "${cidr}" is not a CIDR such as "10.0.0.0/16"`);
    return new NetworkEgress({ ipBlock: { cidr } }, ports, protocol);
  }

  private readonly peer: any;
  private readonly ports: number[];
  private readonly protocol: EgressProtocol;

  private constructor(peer: any, ports: number[], protocol: EgressProtocol) {
    if (ports.length === 0) throw new Error('egress: give at least one port; an egress rule without ports allows every port');
    for (const p of ports) {
      if (!(Number.isInteger(p) && p >= 1 && p <= 65535)) throw new Error(`egress: port ${p} is not valid; allowed: 1-65535`);
    }
    this.peer = peer;
    this.ports = [...ports];
    this.protocol = protocol;
  }

  /** @internal */
  public _toKube(): any {
    return { to: [this.peer], ports: this.ports.map((port) => ({ port, protocol: this.protocol })) };
  }
}

function namespacePeer(namespace: string): { namespaceSelector: { matchLabels: Record<string, string> } } {
  if (!DNS_LABEL.test(namespace)) throw new Error(`egress: namespace "${namespace}" is not a valid namespace name`);
  return { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } };
}
