/**
 * The reverse transformation, {@code ir.Function} to {@link
 * dev.adjoint.processor.reverse.Pullback}.
 *
 * <p>{@link dev.adjoint.processor.reverse.ReverseSweep} takes the function and its {@link
 * dev.adjoint.processor.analysis.Activity} and gives an {@link
 * dev.adjoint.processor.reverse.Adjoint}. Two rewrites of the primal come first: {@link
 * dev.adjoint.processor.reverse.RunningExtremes} (a loop's running maximum notes the element
 * that won, whose backward pass is one addition) and, kept when the forward sweep then saves
 * fewer values, {@link dev.adjoint.processor.reverse.ScratchRows} (a scratch buffer every
 * iteration of a loop fills before reading gets a row per iteration; what a fill is, {@link
 * dev.adjoint.processor.reverse.ScratchBuffers} says, for {@link
 * dev.adjoint.processor.reverse.Fusion} too). The adjoint is the body's statements visited in
 * reverse, one adjoint per active variable, each operand's adjoint receiving what the rules table
 * gives; branches are
 * replayed from their recorded condition, which the forward sweep never overwrites (SSA outside
 * loops). Passes over that backward sweep, each asking statements what they read and write:
 * {@link dev.adjoint.processor.reverse.Recomputation} (values computed again instead of saved),
 * {@link dev.adjoint.processor.reverse.ElementSums} (one addition per array element, one per
 * loop for an element at an index the loop does not change),
 * {@link dev.adjoint.processor.reverse.Fusion} (a loop's backward pass inside it). {@link
 * dev.adjoint.processor.reverse.Taping} then assembles the pullback: the taping forward sweep,
 * the backward sweep, the scalar adjoints added into their buffer.
 *
 * <p>The pullback that is printed (not the one forward mode differentiates again for the HVP)
 * then goes through {@link dev.adjoint.processor.reverse.ZeroSkipping} (loops fed by a zero
 * adjoint skipped), {@link dev.adjoint.processor.reverse.FirstContribution} (a reset adjoint
 * assigned its next contribution), {@link dev.adjoint.processor.reverse.UnreadBuffers} (a
 * same-class layer given data called without the data's buffer), and then, in this order
 * ({@code DifferentiableProcessor.printed}):
 * {@link dev.adjoint.processor.reverse.ChosenIterations} (the backward loop of a running choice
 * visits the winner only),
 * {@link dev.adjoint.processor.reverse.ReturnedAdjoints} (a scalar helper's adjoint returned by
 * its backward pass, not passed through a buffer),
 * {@link dev.adjoint.processor.reverse.AdjointRows} (an adjoint matrix used row by row kept as
 * one row, and so is a matrix of the primal's that a fused loop uses row by row),
 * {@link dev.adjoint.processor.reverse.AdjointScratch} (one adjoint array per loop, not per
 * iteration), {@link dev.adjoint.processor.reverse.SettledRows} (no clearing of a buffer each
 * iteration leaves at zero), {@link dev.adjoint.processor.reverse.RowWalks} (a backward nest
 * that adds into a matrix down its columns turned to walk its rows), {@link
 * dev.adjoint.processor.reverse.InOrderLoops} (backward loops of independent iterations run
 * upward), {@link dev.adjoint.processor.reverse.JammedLoops} (adjacent loops over the same
 * indices whose iterations together are independent run as one, and one of independent
 * iterations at the head of one whose iterations are not, where that reads it element by element),
 * {@link dev.adjoint.processor.reverse.ReadBackSums} (a sum added into an adjoint row and read
 * back used itself), {@link dev.adjoint.processor.reverse.ChosenValues} (a value the source
 * chooses by a conditional printed as the conditional),
 * {@link dev.adjoint.processor.reverse.SunkDeclarations} (a variable declared in the
 * one loop that uses it, not at the top), {@link dev.adjoint.processor.reverse.RowSums}
 * (sums taken down a matrix's columns in the forward sweep taken along its rows, in the array
 * that receives them), {@link dev.adjoint.processor.reverse.ReusedResults} (an array a loop's
 * iterations make by a call and never keep written into the one the previous iteration made),
 * {@link dev.adjoint.processor.reverse.ValueAndPullback} (a call whose pullback follows in
 * its block with a seed known at the call replaced by that pullback, which gives the value
 * too), {@link dev.adjoint.processor.reverse.InvariantValues} (a value a loop computes again in
 * every iteration computed once before it), {@link dev.adjoint.processor.reverse.ParameterRows}
 * (a parameter matrix's row a loop reads taken once before it),
 * {@link dev.adjoint.processor.reverse.FoldedNegations} (a negated adjoint folded into its
 * readers), {@link dev.adjoint.processor.reverse.CommonFactors} (a power of two all readers of an
 * adjoint apply applied once, in the adjoint), {@link dev.adjoint.processor.reverse.UnreadResets} (resets nothing reads dropped),
 * {@link dev.adjoint.processor.reverse.MappedRows} (an adjoint row filled by a map computed at
 * its reads) and {@link dev.adjoint.processor.reverse.AlternatingAdjoints} (the adjoint of an
 * array each iteration hands to the next kept in two buffers taken in turn);
 * {@link dev.adjoint.processor.reverse.DeadCode} cuts from it the backward pass alone of a
 * layer or of a scalar method of one {@code double} parameter, which generated callers call.
 * Then, on every body printed (pullback, backward pass, HVP),
 * {@link dev.adjoint.processor.reverse.LocalTapes} says where a tape kept in locals gets room
 * before its pushes and is handed back around calls and before the return; last,
 * {@link dev.adjoint.processor.reverse.GivenValues} has a call of a same-class layer's backward
 * pass, where the caller still holds the layer's value, call a variant given that value (which
 * reads the value instead of computing it again).
 */
package dev.adjoint.processor.reverse;
