"""A cdk8s app in Python using golden-go through its jsii binding (run by .ci/run)."""
import pathlib
import re
import subprocess
import sys
import tempfile
import unittest

from cdk8s import App, Chart
from golden_go import Checklist, GoMicroservice, HardenedGoImage, ImageReference

DIGEST = "sha256:" + "ab" * 32


class PythonBindingTest(unittest.TestCase):
    def setUp(self):
        self.app = App(outdir=tempfile.mkdtemp())
        self.chart = Chart(self.app, "orders", namespace="shop", disable_resource_name_hashes=True)

    def test_service_synthesizes_with_golden_defaults(self):
        GoMicroservice(self.chart, "orders", image=ImageReference.from_digest("registry.example.com/acme/orders", DIGEST, "1.0.0"),
                       resources={"memory_limit": "512Mi"})
        objs = self.chart.to_json()
        self.assertEqual(sorted(o["kind"] for o in objs), ["Deployment", "NetworkPolicy", "PodDisruptionBudget", "Service", "ServiceAccount"])
        container = next(o for o in objs if o["kind"] == "Deployment")["spec"]["template"]["spec"]["containers"][0]
        env = {e["name"]: e.get("value") for e in container["env"]}
        self.assertEqual(env["GOMEMLIMIT"], "460MiB")
        self.assertEqual(container["securityContext"]["capabilities"], {"drop": ["ALL"]})

    def test_image_renders_the_hardened_dockerfile(self):
        image = HardenedGoImage(self.chart, "image", name="orders", source_url="https://example.com/acme/orders")
        self.assertTrue(image.dockerfile.startswith("# syntax=docker/dockerfile:1\n"))
        self.assertIn("USER 65532:65532", image.dockerfile)

    def test_errors_name_the_rule_and_the_prop(self):
        with self.assertRaisesRegex(Exception, r"\[R08\] sysctls: vm\.swappiness is a node-level sysctl"):
            GoMicroservice(self.chart, "bad", image=ImageReference.from_digest("registry.example.com/acme/orders", DIGEST),
                           sysctls=[{"name": "vm.swappiness", "value": "1"}])

    def test_suppression_with_a_reason(self):
        Checklist.suppress(self.chart, "R12", "a single replica is enough for this internal batch helper")
        GoMicroservice(self.chart, "batch", image=ImageReference.from_digest("registry.example.com/acme/batch", DIGEST), replicas=1)
        dep = next(o for o in self.chart.to_json() if o["kind"] == "Deployment")
        self.assertEqual(dep["spec"]["replicas"], 1)
        self.assertIn("golden-go.dev/suppressed.R12", dep["metadata"]["annotations"])


class ReadmeExampleTest(unittest.TestCase):
    def test_the_readme_python_example_synthesizes_as_written(self):
        root = pathlib.Path(__file__).resolve().parents[3]
        # The same extraction as the TypeScript onboarding test (scripts/readme-example.js).
        code = subprocess.run(["node", str(root / "scripts" / "readme-example.js"), str(root / "README.md"), "Python and Go", "python"],
                              check=True, capture_output=True, text=True).stdout
        cwd = tempfile.mkdtemp()
        run = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True)
        self.assertEqual(run.returncode, 0, run.stderr)
        manifest = (pathlib.Path(cwd) / "dist" / "orders.k8s.yaml").read_text()
        self.assertEqual(sorted(re.findall(r"^kind: (\w+)$", manifest, re.M)),
                         ["Deployment", "NetworkPolicy", "PodDisruptionBudget", "Service", "ServiceAccount"])
        self.assertIn("image: " + re.search(r'ImageReference\.parse\(\s*"([^"]+)"', code).group(1), manifest)
        self.assertIn("golden checklist: 0 errors", run.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
