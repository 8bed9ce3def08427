// The scenarios assert timings derived from the configuration (DPD bounds, lifetimes, rekeys): run one at a time so
// one lab's charon and concentrator do not starve another's on the two cores the test machines have.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
