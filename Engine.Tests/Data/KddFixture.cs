using System.IO.Compression;
using System.Text;

namespace Engine.Tests.Data;

/// <summary>Builds KDD'99 lines from the column list in shared/data/README.md, independent of the reader.</summary>
internal static class KddFixture
{
    public static readonly string[] Header =
        ("duration,protocol_type,service,flag,src_bytes,dst_bytes,land,wrong_fragment,urgent,hot,num_failed_logins,"
        + "logged_in,num_compromised,root_shell,su_attempted,num_root,num_file_creations,num_shells,num_access_files,"
        + "num_outbound_cmds,is_host_login,is_guest_login,count,srv_count,serror_rate,srv_serror_rate,rerror_rate,"
        + "srv_rerror_rate,same_srv_rate,diff_srv_rate,srv_diff_host_rate,dst_host_count,dst_host_srv_count,"
        + "dst_host_same_srv_rate,dst_host_diff_srv_rate,dst_host_same_src_port_rate,dst_host_srv_diff_host_rate,"
        + "dst_host_serror_rate,dst_host_srv_serror_rate,dst_host_rerror_rate,dst_host_srv_rerror_rate,label").Split(',');

    // The example record of the README.
    public const string Example =
        "0,tcp,http,SF,181,5450,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,8,8,0.00,0.00,0.00,0.00,1.00,0.00,0.00,9,9,1.00,0.00,"
        + "0.11,0.00,0.00,0.00,0.00,0.00,normal.";

    public static string Line(params (string Column, string Value)[] changes)
    {
        var fields = Example.Split(',');
        foreach (var (column, value) in changes)
            fields[Array.IndexOf(Header, column)] = value;
        return string.Join(',', fields);
    }

    public static string Field(string line, string column) => line.Split(',')[Array.IndexOf(Header, column)];

    public static byte[] Text(IEnumerable<string> lines) => Encoding.ASCII.GetBytes(string.Join('\n', lines) + "\n");

    public static byte[] Gzip(byte[] bytes)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(bytes);
        return output.ToArray();
    }
}
