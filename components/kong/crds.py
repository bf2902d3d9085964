"""Kong's facts in the Kubernetes API: where KongPlugins live, its controllers' names, how to bring old CRDs
up to date, and the annotation that names the stack owning a KongPlugin. No Pulumi here: make doctor reads it.
"""

from __future__ import annotations

KONG_GROUP, KONG_VERSION, KONG_PLURAL = "configuration.konghq.com", "v1", "kongplugins"
# How to bring a cluster's Kong CRDs to KIC >= 3.1 (`helm upgrade` leaves CRDs alone).
KIC_CRD_UPGRADE = (
    "kubectl kustomize 'https://github.com/kong/kubernetes-ingress-controller/config/crd?ref=v3.5' "
    "| kubectl apply -f -, then helm upgrade the controller (helm upgrade does not upgrade CRDs)"
)
# The controller name of IngressClasses served by the Kong Ingress Controller.
KONG_CONTROLLER = "ingress-controllers.konghq.com/kong"
# The `spec.controllerName` of GatewayClasses it serves (KIC's internal/controllers/gateway, since 2.x).
KONG_GATEWAY_CONTROLLER = "konghq.com/kic-gateway-controller"
# Kong Operator's GatewayClasses name the operator instead; the KIC it runs for their Gateways takes
# that name (its default controller name, given to the KIC as CONTROLLER_GATEWAY_API_CONTROLLER_NAME).
KONG_OPERATOR_GATEWAY_CONTROLLER = "konghq.com/gateway-operator"
# Which stack declared a KongPlugin: `make doctor` tells the stack's own plugins from others'.
OWNER_ANNOTATION = "kong-cognito-oidc/stack"
