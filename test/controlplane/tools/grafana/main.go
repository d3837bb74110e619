// Command grafana-dashboards checks Grafana dashboards (the JSON model, schemaVersion 39 and on)
// against Grafana's own schema as the Grafana Foundation SDK generates it from Grafana's CUE
// kinds: each file is decoded strictly (dashboard.Dashboard.UnmarshalJSONStrict: an unknown field
// is refused, a required field must be there), each panel's options and custom field config with
// the types of its panel plugin (timeseries, stat, table, bargauge... from the SDK's registry of
// panel plugins) and each query with its data source's types (prometheus...), then validated
// (Validate). Built by test/controlplane/build-grafana.sh for the tests.
//
//	grafana-dashboards FILE...
//
// One line per problem, "<file>: <path>: <message>" (path as in `panels[2].options.legend`, `$`
// for the whole document). Where the SDK is lenient the checker is not:
//   - a panel without `options` is decoded as `{}`, so a plugin's required options (the legend
//     and tooltip of a timeseries) must be written out, as Grafana's schema says;
//   - `fieldConfig` is decoded strictly too (the SDK decodes it leniently but for `custom`);
//   - a panel type or a query's data source type the SDK has no types for is a problem, not a
//     silent pass.
//
// Exit 0 when no file has a problem, 1 when one has, 2 on a bad command line.
package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

type problem struct{ path, message string }

func main() {
	if len(os.Args) < 2 || strings.HasPrefix(os.Args[1], "-") {
		fmt.Fprintln(os.Stderr, "usage: grafana-dashboards FILE...")
		os.Exit(2)
	}
	plugins.RegisterDefaultPlugins()
	failed := false
	for _, file := range os.Args[1:] {
		for _, p := range check(file) {
			failed = true
			fmt.Printf("%s: %s: %s\n", file, p.path, p.message)
		}
	}
	if failed {
		os.Exit(1)
	}
}

func check(file string) []problem {
	raw, err := os.ReadFile(file)
	if err != nil {
		return []problem{{"$", err.Error()}}
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(raw, &doc); err != nil {
		return []problem{{"$", "not a JSON object: " + err.Error()}}
	}
	var problems []problem
	var d dashboard.Dashboard
	if err := d.UnmarshalJSONStrict(raw); err != nil {
		problems = append(problems, fromSDK(err)...)
	} else if err := d.Validate(); err != nil {
		problems = append(problems, fromSDK(err)...)
	}
	problems = append(problems, checkPanels(doc["panels"], "panels")...)
	slices.SortStableFunc(problems, func(a, b problem) int { return naturalCompare(a.path, b.path) })
	return problems
}

// checkPanels adds what the SDK's strict decoding lets through, panel by panel (rows' panels too).
func checkPanels(raw json.RawMessage, path string) []problem {
	var panels []map[string]json.RawMessage
	if raw == nil || json.Unmarshal(raw, &panels) != nil {
		return nil // absent or not an array: the SDK has said so
	}
	var problems []problem
	for i, panel := range panels {
		at := path + "[" + strconv.Itoa(i) + "]"
		var kind string
		if json.Unmarshal(panel["type"], &kind) != nil {
			continue // the SDK has said so
		}
		if kind == "row" {
			problems = append(problems, checkPanels(panel["panels"], at+".panels")...)
			continue
		}
		config, found := cog.ConfigForPanelcfgVariant(kind)
		if !found || config.StrictOptionsUnmarshaler == nil {
			problems = append(problems, problem{at + ".type", fmt.Sprintf("panel type %q has no schema in the Grafana Foundation SDK", kind)})
			continue
		}
		if panel["options"] == nil {
			if _, err := config.StrictOptionsUnmarshaler([]byte("{}")); err != nil {
				problems = append(problems, prefixed(at+".options", fromSDK(err))...)
			}
		}
		if panel["fieldConfig"] != nil {
			var fc dashboard.FieldConfigSource
			if err := fc.UnmarshalJSONStrict(panel["fieldConfig"]); err != nil {
				problems = append(problems, prefixed(at+".fieldConfig", fromSDK(err))...)
			}
		}
		var targets []json.RawMessage
		if json.Unmarshal(panel["targets"], &targets) == nil {
			for j, target := range targets {
				q, err := cog.StrictUnmarshalDataquery(target, "")
				if err != nil {
					continue // the SDK has said so
				}
				if _, unknown := q.(variants.UnknownDataquery); unknown {
					problems = append(problems, problem{at + ".targets[" + strconv.Itoa(j) + "].datasource", "no data source type the Grafana Foundation SDK has a query schema for"})
				}
			}
		}
	}
	return problems
}

// The SDK names an unknown field by the type it is in ("panels[0].Panel: unexpected field 'x'"):
// name it by its path instead ("panels[0].x: unknown field").
var unexpected = regexp.MustCompile(`^unexpected field '(.*)'$`)

// fromSDK turns the SDK's errors (cog.BuildErrors, each a path and a message) into problems.
func fromSDK(err error) []problem {
	var errs cog.BuildErrors
	if !errors.As(err, &errs) {
		var one *cog.BuildError
		if !errors.As(err, &one) {
			return []problem{{"$", err.Error()}}
		}
		errs = cog.BuildErrors{one}
	}
	problems := make([]problem, 0, len(errs))
	for _, e := range errs {
		path, message := e.Path, e.Message
		if m := unexpected.FindStringSubmatch(message); m != nil {
			if dot := strings.LastIndex(path, "."); dot >= 0 {
				path = path[:dot] + "." + m[1] // the trailing type name replaced by the field
			} else {
				path = m[1] // the type name alone: a field of the document itself
			}
			message = "unknown field"
		}
		problems = append(problems, problem{path, message})
	}
	return problems
}

func prefixed(prefix string, problems []problem) []problem {
	for i := range problems {
		if problems[i].path == "$" {
			problems[i].path = prefix
		} else {
			problems[i].path = prefix + "." + problems[i].path
		}
	}
	return problems
}

// naturalCompare orders paths as a reader does: panels[2] before panels[10].
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			na, _ := strconv.Atoi(a[:da])
			nb, _ := strconv.Atoi(b[:db])
			if na != nb {
				return cmp.Compare(na, nb)
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}
