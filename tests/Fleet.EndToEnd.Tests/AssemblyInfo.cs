// End-to-end tests run real silos that use every core, and some count work through a process-wide meter:
// running them one at a time is both faster on 2 cores and exact.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
