import { GoRuntime, Sysctls, SysctlClass } from '../src';

describe('GOMEMLIMIT from the memory limit (R04)', () => {
  test.each([
    ['256Mi', 0.9, '230MiB'],
    ['512Mi', 0.9, '460MiB'],
    ['1Gi', 0.9, '921MiB'],
    ['2Gi', 0.75, '1536MiB'],
    ['500M', 0.9, '429MiB'],
    ['1G', 0.9, '858MiB'],
    ['268435456', 0.9, '230MiB'],
    ['1.5Gi', 1, '1536MiB'],
  ])('%s × %d = %s', (limit, ratio, expected) => {
    expect(GoRuntime.goMemLimit(limit, ratio)).toBe(expected);
  });

  test('the result is always in Go units, never a Kubernetes suffix', () => {
    for (const q of ['64Mi', '3Gi', '750M', '2G', '123456789']) {
      expect(GoRuntime.goMemLimit(q)).toMatch(/^[0-9]+MiB$/);
    }
  });

  test.each([
    ['400Mb', /^memoryLimit: "400Mb" is not valid; allowed: a Kubernetes quantity such as "512Mi", "1Gi", "500M" or "1G"$/],
    ['', /^memoryLimit: "" is not valid/],
    ['-1Gi', /^memoryLimit: "-1Gi" is not valid/],
  ])('%p is rejected', (q, msg) => {
    expect(() => GoRuntime.goMemLimit(q)).toThrow(msg);
  });

  test('ratio and tiny limits', () => {
    expect(() => GoRuntime.goMemLimit('256Mi', 0)).toThrow(/^\[R04\] goMemLimitRatio: 0 is outside \(0, 1\]/);
    expect(() => GoRuntime.goMemLimit('256Mi', 1.2)).toThrow(/^\[R04\] goMemLimitRatio: 1\.2 is outside/);
    expect(() => GoRuntime.goMemLimit('1Ki')).toThrow(/^\[R04\] memoryLimit: "1Ki" × 0\.9 is below 1 MiB/);
  });

  test('quantities in both notations', () => {
    expect(GoRuntime.quantityToBytes('1Ki')).toBe(1024);
    expect(GoRuntime.quantityToBytes('1k')).toBe(1000);
    expect(GoRuntime.quantityToBytes('2Gi')).toBe(2 * 2 ** 30);
    expect(GoRuntime.quantityToBytes('0.5G')).toBe(5e8);
  });
});

describe('GOMAXPROCS (R05)', () => {
  test.each([['1.24', false], ['1.24.9', false], ['1.25', true], ['1.26.8', true], ['1.27', true]])('Go %s reads the cgroup limit: %p', (v, expected) => {
    expect(GoRuntime.readsCgroupCpuLimit(v)).toBe(expected);
  });
  test('bad version', () => {
    expect(() => GoRuntime.readsCgroupCpuLimit('go1.26')).toThrow('goVersion: "go1.26" is not valid; allowed: a Go release such as "1.26" or "1.24.3"');
  });
  test.each([['1.26', '1.23', false], ['1.26', '1.25', true], ['1.26.8', '1.25.0', true], ['1.26', '1.24.9', false], ['1.24', '1.25', false]])('toolchain %s with go.mod `go %s` reads the cgroup limit: %p', (toolchain, directive, expected) => {
    expect(GoRuntime.readsCgroupCpuLimit(toolchain, directive)).toBe(expected);
  });
  test('bad go directive names goModGoVersion', () => {
    expect(() => GoRuntime.readsCgroupCpuLimit('1.26', 'go1.25')).toThrow('goModGoVersion: "go1.25" is not valid; allowed: the `go` line of go.mod, such as "1.23" or "1.25.0"');
  });
});

describe('sysctl classification across Kubernetes versions (R08)', () => {
  test.each<[string, string, SysctlClass]>([
    ['net.ipv4.ip_unprivileged_port_start', '1.27', SysctlClass.SAFE],
    ['kernel.shm_rmid_forced', '1.27', SysctlClass.SAFE],
    ['net.ipv4.ip_local_reserved_ports', '1.27', SysctlClass.SAFE],
    ['net.ipv4.tcp_keepalive_time', '1.28', SysctlClass.NAMESPACED_UNSAFE],
    ['net.ipv4.tcp_keepalive_time', '1.29', SysctlClass.SAFE],
    ['net.ipv4.tcp_fin_timeout', '1.29', SysctlClass.SAFE],
    ['net.ipv4.tcp_rmem', '1.31', SysctlClass.NAMESPACED_UNSAFE],
    ['net.ipv4.tcp_rmem', '1.32', SysctlClass.SAFE],
    ['net.ipv4.tcp_slow_start_after_idle', '1.36', SysctlClass.NAMESPACED_UNSAFE],
    ['net.ipv4.tcp_slow_start_after_idle', '1.37', SysctlClass.SAFE],
    ['net.ipv4.tcp_notsent_lowat', '1.37', SysctlClass.SAFE],
    ['net.core.somaxconn', '1.37', SysctlClass.NAMESPACED_UNSAFE],
    ['net.ipv4.tcp_tw_reuse', '1.35', SysctlClass.NAMESPACED_UNSAFE],
    ['net.ipv4.tcp_max_syn_backlog', '1.35', SysctlClass.NAMESPACED_UNSAFE],
    ['kernel.msgmax', '1.35', SysctlClass.NAMESPACED_UNSAFE],
    ['fs.mqueue.msg_max', '1.35', SysctlClass.NAMESPACED_UNSAFE],
    ['vm.swappiness', '1.37', SysctlClass.NODE_LEVEL],
    ['vm.max_map_count', '1.35', SysctlClass.NODE_LEVEL],
    ['fs.file-max', '1.35', SysctlClass.NODE_LEVEL],
    ['fs.inotify.max_user_watches', '1.35', SysctlClass.NODE_LEVEL],
    ['kernel.pid_max', '1.35', SysctlClass.NODE_LEVEL],
    ['net/ipv4/ip_local_port_range', '1.30', SysctlClass.SAFE],
  ])('%s on %s is %s', (name, version, expected) => {
    expect(Sysctls.classify(name, version)).toBe(expected);
  });

  test('safeSince and normalization', () => {
    expect(Sysctls.safeSince('net.ipv4.tcp_rmem')).toBe('1.32');
    expect(Sysctls.safeSince('net.ipv4.tcp_syncookies')).toBe('1.27');
    expect(Sysctls.safeSince('net.core.somaxconn')).toBeUndefined();
    expect(Sysctls.normalize('net/ipv4/conf/eth0.100/rp_filter')).toBe('net.ipv4.conf.eth0/100.rp_filter');
    expect(() => Sysctls.normalize('Net.Core')).toThrow('sysctls: "Net.Core" is not a valid sysctl name');
    expect(() => Sysctls.classify('net.core.somaxconn', '1.26')).toThrow('kubernetesVersion: "1.26" is not valid; allowed: a Kubernetes release from 1.27 on');
  });
});
