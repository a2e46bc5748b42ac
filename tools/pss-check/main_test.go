package main

import (
	"strings"
	"testing"
)

const compliant = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: good
spec:
  selector: {matchLabels: {app: good}}
  template:
    metadata: {labels: {app: good}}
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      containers:
      - name: app
        image: registry.example.com/good@sha256:0000000000000000000000000000000000000000000000000000000000000000
        securityContext:
          allowPrivilegeEscalation: false
          capabilities: {drop: [ALL]}
---
# a Service carries no pod spec and is skipped
apiVersion: v1
kind: Service
metadata: {name: good}
spec: {selector: {app: good}, ports: [{port: 80}]}
`

const privileged = `
apiVersion: v1
kind: Pod
metadata: {name: bad}
spec:
  containers:
  - name: app
    image: registry.example.com/bad:latest
    securityContext: {privileged: true}
`

func run(t *testing.T, version, manifest string) (int, []finding) {
	t.Helper()
	c, err := newChecker(version)
	if err != nil {
		t.Fatal(err)
	}
	n, findings, err := c.check(strings.NewReader(manifest))
	if err != nil {
		t.Fatal(err)
	}
	return n, findings
}

func TestCompliantDeploymentPasses(t *testing.T) {
	for _, version := range []string{"latest", "v1.27", "v1.34"} {
		n, findings := run(t, version, compliant)
		if n != 1 || len(findings) != 0 {
			t.Errorf("%s: evaluated %d pod templates with findings %v, want 1 and none", version, n, findings)
		}
	}
}

func TestPrivilegedPodFails(t *testing.T) {
	n, findings := run(t, "latest", privileged)
	if n != 1 {
		t.Fatalf("evaluated %d pod templates, want 1", n)
	}
	var reasons []string
	for _, f := range findings {
		if f.object != "Pod/bad" {
			t.Errorf("finding names %q, want Pod/bad", f.object)
		}
		reasons = append(reasons, f.reason)
	}
	for _, want := range []string{"privileged", "allowPrivilegeEscalation != false", "unrestricted capabilities", "runAsNonRoot != true", "seccompProfile"} {
		if !strings.Contains(strings.Join(reasons, "\n"), want) {
			t.Errorf("no finding %q in %q", want, reasons)
		}
	}
}

func TestBadInput(t *testing.T) {
	if _, err := newChecker("1.34"); err == nil || !strings.Contains(err.Error(), `"latest" or "v1.x"`) {
		t.Errorf("version 1.34: got %v, want an error naming the allowed values", err)
	}
	c, _ := newChecker("latest")
	if _, _, err := c.check(strings.NewReader("metadata: {name: x}\n")); err == nil {
		t.Error("a document without kind was accepted")
	}
}
