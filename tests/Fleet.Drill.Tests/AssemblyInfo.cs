// One fleet on two cores: drill scenarios run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
