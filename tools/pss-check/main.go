// Command pss-check evaluates the pod templates in Kubernetes YAML files against the Pod Security
// Standards "restricted" level with k8s.io/pod-security-admission/policy, the same checks the API
// server's PodSecurity admission runs, so a manifest that passes here is admitted by an enforcing
// namespace without needing a cluster.
//
// Usage: pss-check [-version latest|v1.x] FILE...
//
// It prints one line per failing check and a summary, and exits 1 on any violation, 2 on usage or
// parse errors.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// finding is one failed check of one pod template.
type finding struct {
	object, reason, detail string
}

func (f finding) String() string {
	if f.detail == "" {
		return fmt.Sprintf("%s: %s", f.object, f.reason)
	}
	return fmt.Sprintf("%s: %s (%s)", f.object, f.reason, f.detail)
}

// checker evaluates pod templates at one level and version.
type checker struct {
	evaluator policy.Evaluator
	level     api.LevelVersion
	decoder   runtime.Decoder
	scheme    *runtime.Scheme
}

func newChecker(version string) (*checker, error) {
	v, err := api.ParseVersion(version)
	if err != nil {
		return nil, fmt.Errorf("-version %q: %w", version, err)
	}
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		return nil, err
	}
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, appsv1.AddToScheme, batchv1.AddToScheme} {
		if err := add(scheme); err != nil {
			return nil, err
		}
	}
	return &checker{
		evaluator: evaluator,
		level:     api.LevelVersion{Level: api.LevelRestricted, Version: v},
		decoder:   serializer.NewCodecFactory(scheme).UniversalDeserializer(),
		scheme:    scheme,
	}, nil
}

// check evaluates every pod-bearing object of a multi-document YAML stream. Other kinds (Services,
// custom resources, ...) are skipped: they carry no pod spec. It returns how many pod templates it
// evaluated and the failed checks.
func (c *checker) check(r io.Reader) (int, []finding, error) {
	docs := utilyaml.NewYAMLReader(bufio.NewReader(r))
	evaluated := 0
	var findings []finding
	for {
		doc, err := docs.Read()
		if errors.Is(err, io.EOF) {
			return evaluated, findings, nil
		}
		if err != nil {
			return evaluated, findings, err
		}
		doc, err = utilyaml.ToJSON(doc)
		if err != nil {
			return evaluated, findings, err
		}
		if bytes.Equal(doc, []byte("null")) { // an empty or comment-only document
			continue
		}
		var tm metav1.TypeMeta
		if err := json.Unmarshal(doc, &tm); err != nil {
			return evaluated, findings, err
		}
		if tm.Kind == "" || tm.APIVersion == "" {
			return evaluated, findings, fmt.Errorf("a document without apiVersion and kind")
		}
		if !c.scheme.Recognizes(tm.GroupVersionKind()) {
			continue
		}
		obj, _, err := c.decoder.Decode(doc, nil, nil)
		if err != nil {
			return evaluated, findings, err
		}
		meta, spec := podTemplate(obj)
		if spec == nil {
			continue
		}
		evaluated++
		name := fmt.Sprintf("%s/%s", tm.Kind, obj.(metav1.Object).GetName())
		for _, result := range c.evaluator.EvaluatePod(c.level, meta, spec) {
			if !result.Allowed {
				findings = append(findings, finding{name, result.ForbiddenReason, result.ForbiddenDetail})
			}
		}
	}
}

// podTemplate returns the pod metadata and spec of the kinds PodSecurity admission evaluates, as its
// DefaultPodSpecExtractor does, or nil for any other object.
func podTemplate(obj runtime.Object) (*metav1.ObjectMeta, *corev1.PodSpec) {
	var t *corev1.PodTemplateSpec
	switch o := obj.(type) {
	case *corev1.Pod:
		return &o.ObjectMeta, &o.Spec
	case *corev1.PodTemplate:
		t = &o.Template
	case *corev1.ReplicationController:
		t = o.Spec.Template
	case *appsv1.Deployment:
		t = &o.Spec.Template
	case *appsv1.StatefulSet:
		t = &o.Spec.Template
	case *appsv1.DaemonSet:
		t = &o.Spec.Template
	case *appsv1.ReplicaSet:
		t = &o.Spec.Template
	case *batchv1.Job:
		t = &o.Spec.Template
	case *batchv1.CronJob:
		t = &o.Spec.JobTemplate.Spec.Template
	}
	if t == nil {
		return nil, nil
	}
	return &t.ObjectMeta, &t.Spec
}

func main() {
	version := flag.String("version", "latest", `Pod Security Standards version: "latest" or "v1.x"`)
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: pss-check [-version latest|v1.x] FILE...\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	c, err := newChecker(*version)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pss-check: %v\n", err)
		os.Exit(2)
	}
	evaluated, violations := 0, 0
	for _, file := range flag.Args() {
		n, findings, err := checkFile(c, file)
		if err != nil {
			fmt.Fprintf(os.Stderr, "pss-check: %s: %v\n", file, err)
			os.Exit(2)
		}
		evaluated += n
		violations += len(findings)
		for _, f := range findings {
			fmt.Printf("%s: %s\n", file, f)
		}
	}
	fmt.Printf("pss-check: %d pod templates evaluated in %d files at %s, %d violations\n", evaluated, flag.NArg(), c.level, violations)
	if violations > 0 {
		os.Exit(1)
	}
}

func checkFile(c *checker, file string) (int, []finding, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, nil, err
	}
	defer f.Close()
	return c.check(f)
}
