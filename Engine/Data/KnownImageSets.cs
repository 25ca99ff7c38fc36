using System.Security.Cryptography;

namespace Engine.Data;

/// <summary>
/// Recognises Fashion-MNIST among IDX files by checksums, so that its class names (T-shirt/top, Trouser, …) are
/// given to that data and to no other: a data set is Fashion-MNIST when all four of its files are.
/// </summary>
/// <remarks>
/// A file is recognised by either of two checksums. The MD5 of the .gz file as downloaded, as published in the
/// Fashion-MNIST README (and used by torchvision). Or the SHA-256 of the decompressed IDX bytes, which also
/// recognises uncompressed or recompressed copies; those values were computed from Debian's
/// <c>dataset-fashion-mnist</c> (Debian recompressed the files, so their .gz MD5s differ from the published ones)
/// and, for the subset that ships with the demo, from its files (Demo/data/make-fashion-mnist-subset.py).
/// </remarks>
public static class KnownImageSets
{
    /// <summary>The name of the full Fashion-MNIST set.</summary>
    public const string FashionMnist = "Fashion-MNIST";

    /// <summary>The name of the subset that ships with the demo.</summary>
    public const string FashionMnistSubset = "Fashion-MNIST embedded subset";

    // By role: train images, train labels, test images, test labels.
    private static readonly string[] PublishedGzipMd5 =
        ["8d4fb7e6c68d591d4c3dfef9ec88bf0d", "25c81989df183df01b3e8a0aad5dffbe", "bef4ecab320f06d8554ea6380940ec79", "bb300cfdad3c16e7a12a480ee83cd310"];

    private static readonly string[] FullContentSha256 =
    [
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    ];

    private static readonly string[] SubsetContentSha256 =
    [
        "cf313073c7eb485392848071d5c433571d7166043e971e3345b095cc30518084",
        "097b93fbcf9bd5bc648b1a457ddc55c9e4ab49afb33f9ecae8ce068399a75e3a",
        "7cee33c3c6414b1b86c25e665a6c4f41584269de3b7cc9768b1d351922845eef",
        "3128d790775889812b73c4f13923559c8b9e281d112c6ea7862acf60a206a909",
    ];

    /// <summary>
    /// The name of the data set the four IDX files hold (<see cref="FashionMnist"/> or <see cref="FashionMnistSubset"/>),
    /// or null when they are not one this class knows.
    /// </summary>
    /// <param name="files">Train images, train labels, test images, test labels: each the path of the file as stored
    /// and its decompressed content.</param>
    /// <exception cref="ArgumentException">Not four files.</exception>
    public static string? Identify(IReadOnlyList<(string Path, IdxArray Content)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count != 4)
            throw new ArgumentException($"KnownImageSets.Identify: expected four files (train images, train labels, test images, test labels), got {files.Count}.", nameof(files));
        var content = files.Select(f => ContentSha256(f.Content)).ToArray();
        if (content.SequenceEqual(SubsetContentSha256)) return FashionMnistSubset;
        bool full = Enumerable.Range(0, 4).All(i => content[i] == FullContentSha256[i] || FileMd5(files[i].Path) == PublishedGzipMd5[i]);
        return full ? FashionMnist : null;
    }

    /// <summary>SHA-256 (lower-case hex) of an IDX file's decompressed bytes, rebuilt from its dimensions and data.</summary>
    public static string ContentSha256(IdxArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var header = new byte[4 + 4 * array.Dimensions.Length];
        header[2] = 0x08;
        header[3] = (byte)array.Dimensions.Length;
        for (int i = 0; i < array.Dimensions.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), array.Dimensions[i]);
        sha.AppendData(header);
        sha.AppendData(array.Data);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static string FileMd5(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(MD5.HashData(stream));
    }
}
