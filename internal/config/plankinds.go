package config

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/headprobe/headprobe/kind"
	"github.com/headprobe/headprobe/kind/registry"
)

// planKinds configures every registered kind, in the registry's order, and keeps what they plan:
// the endpoints and the parts in their declared judging order, the relations in the registry's.
// Chain ids are read when --chain-id asks for them, or when a kind's relations compare them.
func (cfg *Config) planKinds(c *cli.Context) error {
	v := &kindValues{c: c, cfg: cfg}
	chainIDs := cfg.Check.ChainID != 0
	for _, k := range registry.Kinds {
		p, err := k.Configure(v)
		if err != nil {
			var required *kind.RequiredError
			if errors.As(err, &required) {
				name := Env(required.Flag)[0]
				return fmt.Errorf("%v (or %s)%s", err, name, Meant(EnvironmentOf(c), name))
			}
			return err
		}
		v.planned = append(v.planned, p.Sources...)
		cfg.Relations = append(cfg.Relations, p.Relations...)
		cfg.Parts = append(cfg.Parts, p.Parts...)
		chainIDs = chainIDs || p.ChainIDs
	}
	sources := slices.SortedStableFunc(slices.Values(v.planned), func(a, b kind.Source) int { return cmp.Compare(a.Rank, b.Rank) })
	for _, s := range sources {
		e := Endpoint{Role: s.Role, URL: s.URL, Opts: s.Opts, Source: s.New}
		e.Opts.ChainID = e.Opts.ChainID || chainIDs
		cfg.Endpoints = append(cfg.Endpoints, e)
	}
	slices.SortStableFunc(cfg.Parts, func(a, b kind.Part) int { return cmp.Compare(a.Rank, b.Rank) })
	return nil
}
