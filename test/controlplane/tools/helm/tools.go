//go:build tools

// Package tools pins the Helm command built by build-helm.sh for the packaging tests.
package tools

import (
	_ "helm.sh/helm/v4/cmd/helm"
)
