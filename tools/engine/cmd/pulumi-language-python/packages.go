// What `pulumi package add`, `pulumi package get-schema` and `pulumi install` ask of a Python
// language host: a Python SDK generated from a package's schema, linked into the program, its
// dependencies installed, and the plugins the installed SDKs name. As the stock host does, through
// the CLI's own code generator (pkg/codegen/python) and the SDK's python/toolchain.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/blang/semver"
	codegen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
)

// GeneratePackage writes a Python SDK for the schema into req.Directory (`pulumi package add`
// copies it to the program's sdks/<name>).
func (h *host) GeneratePackage(
	_ context.Context, req *pulumirpc.GeneratePackageRequest,
) (*pulumirpc.GeneratePackageResponse, error) {
	client, err := schema.NewLoaderClient(req.LoaderTarget)
	if err != nil {
		return nil, err
	}
	defer client.Close()
	loader := schema.NewCachedLoader(client)

	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(req.Schema), &spec); err != nil {
		return nil, err
	}
	pkg, diags, err := schema.BindSpec(spec, loader, schema.ValidationOptions{AllowDanglingReferences: true})
	if err != nil {
		return nil, err
	}
	response := &pulumirpc.GeneratePackageResponse{Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(diags)}
	if diags.HasErrors() {
		return response, nil
	}
	files, err := codegen.GeneratePackage("pulumi-language-python", pkg, req.ExtraFiles, loader)
	if err != nil {
		return nil, err
	}
	for name, data := range files {
		path := filepath.Join(req.Directory, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return nil, err
		}
	}
	return response, nil
}

// Link adds generated SDKs to the program's dependencies: a line in requirements.txt (pip), or
// `uv add` / `poetry add` of the SDK's folder. As the stock host, a uv or poetry program that has
// no pyproject.toml yet but a requirements.txt gets the line in requirements.txt.
func (h *host) Link(ctx context.Context, req *pulumirpc.LinkRequest) (*pulumirpc.LinkResponse, error) {
	opts, err := pythonOptions(req.Info, false)
	if err != nil {
		return nil, err
	}
	client, err := schema.NewLoaderClient(req.LoaderTarget)
	if err != nil {
		return nil, err
	}
	defer client.Close()
	loader := schema.NewCachedLoader(client)

	packages := map[string]string{} // Python distribution name -> the SDK's folder
	var imports strings.Builder
	for _, dep := range req.Packages {
		if dep.Package.Name == "pulumi" {
			packages["pulumi"] = dep.Path
			continue
		}
		name, err := pythonPackageName(ctx, loader, dep.Package)
		if err != nil {
			return nil, err
		}
		packages[name] = dep.Path
		fmt.Fprintf(&imports, "  import %s\n", name)
	}

	if opts.Toolchain != toolchain.Pip && !exists(filepath.Join(req.Info.ProgramDirectory, "pyproject.toml")) {
		if !exists(filepath.Join(req.Info.ProgramDirectory, "requirements.txt")) {
			return nil, fmt.Errorf("no pyproject.toml or requirements.txt found in %s", req.Info.ProgramDirectory)
		}
		opts.Toolchain = toolchain.Pip
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return nil, err
	}
	if err := tc.LinkPackages(ctx, packages); err != nil {
		return nil, fmt.Errorf("linking packages: %w", err)
	}
	return &pulumirpc.LinkResponse{
		ImportInstructions: "You can import the SDK in your Python code with:\n\n" + imports.String(),
	}, nil
}

// pythonPackageName is the schema's language.python.packageName, else pulumi_<name> (with the
// namespace, if any), as the code generator names the package it writes.
func pythonPackageName(ctx context.Context, loader schema.ReferenceLoader, dep *pulumirpc.PackageDependency) (string, error) {
	descriptor := &schema.PackageDescriptor{Name: dep.Name, DownloadURL: dep.Server}
	if version, err := semver.ParseTolerant(dep.Version); err == nil {
		descriptor.Version = &version
	}
	ref, err := schema.LoadPackageReferenceV2(ctx, loader, descriptor)
	if err != nil {
		return "", err
	}
	pkg, err := ref.Definition()
	if err != nil {
		return "", err
	}
	if err := pkg.ImportLanguages(map[string]schema.Language{"python": codegen.Importer}); err != nil {
		return "", err
	}
	if info, ok := pkg.Language["python"].(codegen.PackageInfo); ok && info.PackageName != "" {
		return info.PackageName, nil
	}
	return codegen.PyPack(ref.Namespace(), ref.Name()), nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// InstallDependencies installs what the program or plugin lists (requirements.txt with pip, the
// lock with `uv sync`, poetry) into its virtualenv, creating it first if needed. `pulumi package
// add` calls it after Link; for a plugin (`package add` / `get-schema` of a source-based package),
// before its first run. `make install` prepares this project's own virtualenvs.
func (h *host) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	opts, err := pythonOptions(req.Info, req.IsPlugin)
	if err != nil {
		return err
	}
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.IsTerminal)
	if err != nil {
		return err
	}
	defer closer.Close()
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return err
	}
	if err := tc.InstallDependencies(server.Context(), req.Info.ProgramDirectory, req.UseLanguageVersionTools,
		true, stdout, stderr); err != nil {
		return err
	}
	return closer.Close()
}

// installedPackagesScript prints, for each distribution installed in the virtualenv, its name,
// version and the pulumi-plugin.json inside its top-level package, if any (found as the stock host
// finds it: the package named after the distribution).
const installedPackagesScript = `import importlib.metadata, importlib.util, json, os
result = []
for dist in importlib.metadata.distributions():
    name = dist.metadata["Name"]
    plugin = None
    try:
        spec = importlib.util.find_spec(name.replace("-", "_"))
        for location in (spec.submodule_search_locations or []) if spec else []:
            path = os.path.join(location, "pulumi-plugin.json")
            if os.path.isfile(path):
                with open(path) as f:
                    plugin = json.load(f)
                break
    except Exception:
        pass
    result.append({"name": name, "version": dist.version, "plugin": plugin})
print(json.dumps(result))`

type installedPackage struct {
	Name    string                   `json:"name"`
	Version string                   `json:"version"`
	Plugin  *plugin.PulumiPluginJSON `json:"plugin"`
}

// Python packages named pulumi-* that have no resource plugin and no pulumi-plugin.json saying so.
var withoutPlugin = map[string]bool{"pulumi-policy": true, "pulumi-esc-sdk": true}

var separators = regexp.MustCompile(`[-_.]+`)

// A PEP 440 release that is also a plugin version: 1.2 or 1.2.3 (pre- and post-releases are
// skipped, as the stock host skips what it cannot translate).
var plainRelease = regexp.MustCompile(`^[0-9]+(\.[0-9]+){0,2}$`)

// requiredPackages names a plugin for each installed package that has a pulumi-plugin.json with
// `resource: true`, or (older SDKs) is named pulumi-*: name, version and server from the file,
// else from the package's name and version.
func requiredPackages(ctx context.Context, tc toolchain.Toolchain) ([]*pulumirpc.PackageDependency, error) {
	cmd, err := tc.Command(ctx, "-c", installedPackagesScript)
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("listing the virtualenv's packages: %w", err)
	}
	var installed []installedPackage
	if err := json.Unmarshal(out, &installed); err != nil {
		return nil, fmt.Errorf("listing the virtualenv's packages: %w", err)
	}
	var packages []*pulumirpc.PackageDependency
	for _, pkg := range installed {
		// PEP 503: pulumi_random and pulumi-random are one name.
		pkg.Name = strings.ToLower(separators.ReplaceAllString(pkg.Name, "-"))
		dep := &pulumirpc.PackageDependency{Kind: "resource"}
		if p := pkg.Plugin; p != nil {
			if !p.Resource {
				continue
			}
			dep.Name, dep.Version, dep.Server = p.Name, p.Version, p.Server
			if p.Parameterization != nil {
				dep.Parameterization = &pulumirpc.PackageParameterization{
					Name: p.Parameterization.Name, Version: p.Parameterization.Version, Value: p.Parameterization.Value,
				}
			}
		} else if !strings.HasPrefix(pkg.Name, "pulumi-") || withoutPlugin[pkg.Name] {
			continue
		}
		if dep.Name == "" {
			dep.Name = strings.TrimPrefix(pkg.Name, "pulumi-")
		}
		if dep.Version == "" {
			if !plainRelease.MatchString(pkg.Version) {
				continue
			}
			dep.Version = pkg.Version
			for strings.Count(dep.Version, ".") < 2 {
				dep.Version += ".0"
			}
		}
		if !strings.HasPrefix(dep.Version, "v") {
			dep.Version = "v" + dep.Version
		}
		packages = append(packages, dep)
	}
	return packages, nil
}
