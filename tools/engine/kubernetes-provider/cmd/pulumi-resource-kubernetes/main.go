// The Kubernetes resource provider, served from its Go module. The stock main embeds files its
// release build generates; this one embeds the schema and Terraform mapping the module ships,
// which scripts/build-engine.sh copies beside this file (they are not committed).
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema.json
var schema []byte

//go:embed terraform-mapping.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, schema, terraformMapping)
}
