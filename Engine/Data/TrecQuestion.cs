namespace Engine.Data;

/// <summary>One labelled question of the TREC question-classification data (Li and Roth, 2002).</summary>
/// <param name="Coarse">Coarse class: ABBR, DESC, ENTY, HUM, LOC or NUM.</param>
/// <param name="Fine">Fine class within the coarse one, e.g. "manner", "dist" (50 in the training set).</param>
/// <param name="Text">The question, already tokenised with spaces around punctuation.</param>
public sealed record TrecQuestion(string Coarse, string Fine, string Text);
