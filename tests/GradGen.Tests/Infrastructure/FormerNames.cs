// VectorValued/VectorDiagnosticTests.cs is ported by the diagnostics work, not with the harness: until then it reads a
// result through the vector harness's former name for DiffFunction.
global using VectorFunction = GradGen.Tests.Infrastructure.DiffFunction;
