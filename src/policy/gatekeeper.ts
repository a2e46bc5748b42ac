/** Kind of the Gatekeeper constraint golden-go's ConstraintTemplate defines. */
export const GATEKEEPER_KIND = 'GoldenGoSignedImages';

/**
 * Rego of the ConstraintTemplate: sends the pod's images from the covered repositories to Ratify
 * (Gatekeeper external data provider `ratify-provider`) and denies on a system error, per-image
 * errors, or a failed verification. Images from other repositories are not sent.
 */
export const GATEKEEPER_REGO = `package goldengosignedimages

import rego.v1

covered(image) if {
  some repo in input.parameters.repositories
  some sep in [":", "@"]
  startswith(image, concat("", [repo, sep]))
}

images contains image if {
  some field in ["containers", "initContainers", "ephemeralContainers"]
  image := input.review.object.spec[field][_].image
  covered(image)
}

response := external_data({"provider": "ratify-provider", "keys": [i | some i in images]}) if count(images) > 0

violation contains {"msg": msg} if {
  response.system_error != ""
  msg := sprintf("golden-go R14: Ratify could not verify %v: %v", [images, response.system_error])
}

violation contains {"msg": msg} if {
  count(response.errors) > 0
  msg := sprintf("golden-go R14: verifying %v failed: %v", [images, response.errors])
}

violation contains {"msg": msg} if {
  some result in response.responses
  result[1].isSuccess == false
  msg := sprintf("golden-go R14: %v is not signed by the expected signer", [result[0]])
}
`;
