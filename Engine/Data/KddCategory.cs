namespace Engine.Data;

/// <summary>The five KDD Cup 1999 record categories, plus one for attack names outside the standard table.</summary>
public enum KddCategory
{
    /// <summary>Ordinary traffic (label <c>normal.</c>).</summary>
    Normal,

    /// <summary>Denial of service: back, land, neptune, pod, smurf, teardrop.</summary>
    Dos,

    /// <summary>Surveillance and probing: ipsweep, nmap, portsweep, satan.</summary>
    Probe,

    /// <summary>Remote to local: ftp_write, guess_passwd, imap, multihop, phf, spy, warezclient, warezmaster.</summary>
    R2L,

    /// <summary>User to root: buffer_overflow, loadmodule, perl, rootkit.</summary>
    U2R,

    /// <summary>An attack name not among the 22 training attack types (the KDD test set adds new ones).</summary>
    Unknown,
}
