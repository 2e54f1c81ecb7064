//! Capacity formulas (max-pods, Karpenter and CNI views) and address arithmetic; pure.
