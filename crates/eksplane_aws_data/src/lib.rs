//! Embedded AWS data generated from AWS-format inputs: instance catalog, prices, branch-ENI limits.
