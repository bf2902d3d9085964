"""Which cluster the stack talks to, resolved as the Kubernetes provider does.

Shared by the Ingress attachment's dynamic provider and `make doctor`, so the
doctor checks exactly the cluster `up` will change: `kubernetes:kubeconfig`
(a path, or the kubeconfig itself) and `kubernetes:context` from the stack
config, else `KUBECONFIG` (one or more paths) or `~/.kube/config`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

DEFAULT_KUBECONFIG = "~/.kube/config"


class KubeconfigError(Exception):
    """No usable kubeconfig, or it lacks the context asked for."""


@dataclass(frozen=True)
class ClusterTarget:
    source: str
    """Where the kubeconfig came from, for messages."""
    context: str
    server: str


def kubeconfig_source(kubeconfig: str | None) -> str:
    """The paths (or 'kubernetes:kubeconfig (inline)') the kubeconfig is read from."""
    if kubeconfig and not _is_path(kubeconfig):
        return "kubernetes:kubeconfig (inline)"
    # Read at call time: the client library reads KUBECONFIG once, at import.
    return kubeconfig or os.environ.get("KUBECONFIG") or DEFAULT_KUBECONFIG


def _is_path(kubeconfig: str) -> bool:
    # `kubernetes:kubeconfig` may hold the kubeconfig itself rather than a path.
    return os.path.isfile(os.path.expanduser(kubeconfig))


def load(kubeconfig: str | None, context: str | None, *, retries: int | None = None) -> tuple[Any, ClusterTarget]:
    """An `ApiClient` for the resolved cluster, and what it was resolved to.

    Never writes the kubeconfig back (the client library would, after some token refreshes).
    """
    import yaml
    from kubernetes import client
    from kubernetes.config.config_exception import ConfigException
    from kubernetes.config.kube_config import KubeConfigLoader, KubeConfigMerger

    source = kubeconfig_source(kubeconfig)
    try:
        if kubeconfig and not _is_path(kubeconfig):
            config_dict: Any = yaml.safe_load(kubeconfig)
            if not isinstance(config_dict, dict):
                if "\n" not in kubeconfig:  # a one-line value is meant as a path
                    raise KubeconfigError(f"kubernetes:kubeconfig names no file: {kubeconfig}")
                raise KubeconfigError("kubernetes:kubeconfig is neither a file nor a kubeconfig document")
        else:
            config_dict = KubeConfigMerger(source).config
            if config_dict is None:
                raise KubeconfigError(f"no kubeconfig found at {source}")
        loader = KubeConfigLoader(config_dict=config_dict, config_base_path=None, active_context=context)
        configuration = client.Configuration()
        loader.load_and_set(configuration)
        context_name = str(loader.current_context["name"])
    except (ConfigException, yaml.YAMLError) as error:
        wanted = f"context {context!r}" if context else "its current context"
        raise KubeconfigError(f"cannot use {wanted} of the kubeconfig {source}: {error}") from error
    if retries is not None:
        configuration.retries = retries
    target = ClusterTarget(source=source, context=context_name, server=str(configuration.host))
    return client.ApiClient(configuration), target
