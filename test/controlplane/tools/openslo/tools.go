//go:build tools

// Package tools pins the OpenSLO command-line tool `oslo` (its `oslo validate` checks documents
// against the OpenSLO v1 structs and rules of github.com/OpenSLO/oslo), built by
// build-openslo.sh for the export tests.
package tools

import (
	_ "github.com/OpenSLO/oslo/cmd/oslo"
)
