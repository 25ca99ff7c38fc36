namespace Engine.Models;

/// <summary>How an <see cref="LstmTextAutoencoder"/> summarises its encoder before the Linear layer to z.</summary>
public enum LstmPooling
{
    /// <summary>
    /// The last layer's final hidden state of each direction (Dai and Le 2015): the forward direction ends on the
    /// last word, the backward one on the first.
    /// </summary>
    FinalStates,

    /// <summary>
    /// The mean and the element-wise maximum of the last layer's outputs over the real positions, side by side
    /// (2·D·H numbers; the max pooling of Conneau et al. 2017): every position feeds the code directly, not only
    /// through the recurrence.
    /// </summary>
    MeanMax,
}
