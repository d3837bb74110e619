//go:build tools

// Package tools pins the kwok controller built by build-kwok.sh (kube-scheduler comes from the
// control plane's tools module, tools/kube, at the same Kubernetes version as kube-apiserver).
package tools

import (
	_ "sigs.k8s.io/kwok/cmd/kwok"
)
