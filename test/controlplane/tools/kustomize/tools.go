//go:build tools

// Package tools pins the kustomize command built by build-helm.sh for the packaging tests.
package tools

import (
	_ "sigs.k8s.io/kustomize/kustomize/v5"
)
