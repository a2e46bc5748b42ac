# Unit tests of the ConstraintTemplate's Rego (src/_gatekeeper.ts), with Gatekeeper's external_data
# (the Ratify provider) mocked. Run by test/e2e/gatekeeper.e2e.test.ts with `opa test`.
package goldengosignedimages_test

import rego.v1

import data.goldengosignedimages

repos := ["registry.example.com/acme/orders"]

pod(field, images) := {
	"review": {"object": {"spec": {field: [{"name": sprintf("c%d", [i]), "image": img} | some i, img in images]}}},
	"parameters": {"repositories": repos},
}

verified(req) := {"system_error": "", "errors": [], "responses": [[k, {"isSuccess": true}] | some k in req.keys]}

unsigned(req) := {"system_error": "", "errors": [], "responses": [[k, {"isSuccess": false}] | some k in req.keys]}

unreachable(_) := {"system_error": "ratify-provider timed out", "errors": [], "responses": []}

failing(req) := {"system_error": "", "errors": [[k, "manifest unknown"] | some k in req.keys], "responses": []}

test_signed_image_is_admitted if {
	count(goldengosignedimages.violation) == 0 with input as pod("containers", ["registry.example.com/acme/orders:1.4.2@sha256:aa"])
		with external_data as verified
}

test_unsigned_image_is_denied if {
	some v in goldengosignedimages.violation with input as pod("containers", ["registry.example.com/acme/orders@sha256:bb"])
		with external_data as unsigned
	contains(v.msg, "registry.example.com/acme/orders@sha256:bb is not signed")
}

test_init_and_ephemeral_containers_are_covered if {
	count(goldengosignedimages.violation) == 1 with input as pod("initContainers", ["registry.example.com/acme/orders:1"])
		with external_data as unsigned
	count(goldengosignedimages.violation) == 1 with input as pod("ephemeralContainers", ["registry.example.com/acme/orders:1"])
		with external_data as unsigned
}

test_foreign_repositories_are_not_sent if {
	count(goldengosignedimages.images) == 0 with input as pod("containers", ["registry.example.com/acme/orders-evil:1", "registry.example.com/acme/ordersx@sha256:cc", "docker.io/library/busybox:1"])
	count(goldengosignedimages.violation) == 0 with input as pod("containers", ["registry.example.com/acme/orders-evil:1"])
		with external_data as unsigned
}

test_provider_errors_deny if {
	some v in goldengosignedimages.violation with input as pod("containers", ["registry.example.com/acme/orders:1"])
		with external_data as unreachable
	contains(v.msg, "timed out")
	count(goldengosignedimages.violation) == 1 with input as pod("containers", ["registry.example.com/acme/orders:1"])
		with external_data as failing
}
