using Concentrator.Ike.Auth.Eap;
using Concentrator.Ike.Tests.Sa;

namespace Concentrator.Ike.Tests.Auth.Eap;

/// <summary>EAP methods, server against client, without IKE around them.</summary>
public class EapMethodTests
{
    private static readonly byte[] AlicePassword = "alice-password"u8.ToArray();

    private static byte[]? Secrets(string identity) => identity == "alice" ? AlicePassword : null;

    private static EapPacket Parse(EapStep step)
    {
        var request = Assert.IsType<EapStep.Request>(step);
        Assert.True(EapPacket.TryParse(request.Message, out EapPacket packet, out string? problem), problem);
        return packet;
    }

    private static (EapStep Last, EapMsChapV2Client Client) MsChapV2(string identity, byte[] password)
    {
        var server = new EapMsChapV2Server(Secrets, new SeededRandom(3));
        var client = new EapMsChapV2Client(identity, password, new SeededRandom(4));
        EapStep step = server.Start(identity, 40);
        for (int round = 0; round < 4 && step is EapStep.Request; round++)
        {
            EapPacket? answer = client.Process(Parse(step));
            if (answer is null)
            {
                break;
            }

            step = server.Process(answer.Value);
        }

        return (step, client);
    }

    [Fact]
    public void MsChapV2_RightPassword_SuccessWithTheClientsMsk()
    {
        (EapStep last, EapMsChapV2Client client) = MsChapV2("alice", AlicePassword);

        var success = Assert.IsType<EapStep.Success>(last);
        Assert.Equal(64, success.Msk!.Length);
        Assert.Equal(client.Msk, success.Msk);
        Assert.Equal("alice", success.Identity);
    }

    [Fact]
    public void MsChapV2_WrongPassword_FailureWithoutTheSecret()
    {
        (EapStep last, EapMsChapV2Client client) = MsChapV2("alice", "guessed"u8.ToArray());

        var failure = Assert.IsType<EapStep.Failure>(last);
        Assert.Contains("another password", failure.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("alice-password", failure.Reason, StringComparison.Ordinal);
        Assert.Null(client.Msk);
    }

    [Fact]
    public void MsChapV2_UnknownUser_Failure() =>
        Assert.Contains("no EAP secret for 'mallory'", Assert.IsType<EapStep.Failure>(MsChapV2("mallory", AlicePassword).Last).Reason, StringComparison.Ordinal);

    [Fact]
    public void MsChapV2Challenge_Layout_IdEqualsEapIdentifierAndMsLength()
    {
        var server = new EapMsChapV2Server(Secrets, new SeededRandom(3));

        EapPacket challenge = Parse(server.Start("alice", 40));

        byte[] data = challenge.Data.ToArray();
        Assert.Equal(EapType.MsChapV2, challenge.Type);
        Assert.Equal((byte)MsChapV2OpCode.Challenge, data[0]);
        Assert.Equal(40, data[1]);
        Assert.Equal(data.Length, (data[2] << 8) | data[3]);
        Assert.Equal(16, data[4]);
        Assert.Equal("Concentrator"u8.ToArray(), data.AsSpan(21).ToArray());
    }

    [Fact]
    public void MsChapV2Client_TamperedAuthenticatorResponse_Refused()
    {
        var server = new EapMsChapV2Server(Secrets, new SeededRandom(3));
        var client = new EapMsChapV2Client("alice", AlicePassword, new SeededRandom(4));
        EapPacket response = client.Process(Parse(server.Start("alice", 1)))!.Value;
        EapPacket success = Parse(server.Process(response));
        byte[] data = success.Data.ToArray();
        int s = Array.IndexOf(data, (byte)'S');
        data[s + 2] = data[s + 2] == (byte)'0' ? (byte)'1' : (byte)'0';

        Assert.Null(client.Process(success with { Data = data }));
        Assert.Null(client.Msk);
    }

    [Fact]
    public void MsChapV2Server_ResponseWithWrongMsChapId_Failure()
    {
        var server = new EapMsChapV2Server(Secrets, new SeededRandom(3));
        var client = new EapMsChapV2Client("alice", AlicePassword, new SeededRandom(4));
        EapPacket response = client.Process(Parse(server.Start("alice", 1)))!.Value;
        byte[] data = response.Data.ToArray();
        data[1] ^= 0xff;

        Assert.Contains("MS-CHAPv2-ID", Assert.IsType<EapStep.Failure>(server.Process(response with { Data = data })).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void MsChapV2Server_SuccessBeforeResponse_Failure()
    {
        var server = new EapMsChapV2Server(Secrets, new SeededRandom(3));
        server.Start("alice", 1);

        EapStep step = server.Process(EapPacket.Response(1, EapType.MsChapV2, new byte[] { (byte)MsChapV2OpCode.Success }));

        Assert.IsType<EapStep.Failure>(step);
    }

    [Theory]
    [InlineData("")]
    [InlineData("02")]
    [InlineData("0201")]
    [InlineData("02010005")]
    [InlineData("0201003A31")]
    public void MsChapV2Server_TruncatedResponse_FailureNotException(string hex)
    {
        var server = new EapMsChapV2Server(Secrets, new SeededRandom(3));
        server.Start("alice", 1);

        Assert.IsType<EapStep.Failure>(server.Process(EapPacket.Response(1, EapType.MsChapV2, Convert.FromHexString(hex))));
    }

    [Fact]
    public void Md5_RightSecret_SuccessWithoutMsk()
    {
        var server = new EapMd5Server(Secrets, new SeededRandom(3));
        var client = new EapMd5Client(AlicePassword);

        EapStep step = server.Process(client.Process(Parse(server.Start("alice", 9)))!.Value);

        Assert.Null(Assert.IsType<EapStep.Success>(step).Msk);
    }

    [Fact]
    public void Md5_Response_IsMd5OfIdentifierSecretChallenge()
    {
        var client = new EapMd5Client("secret"u8.ToArray());
        byte[] challenge = Convert.FromHexString("00112233445566778899AABBCCDDEEFF");
#pragma warning disable CA5351 // RFC 3748 §5.4 is MD5: the test computes it independently.
        byte[] expected = System.Security.Cryptography.MD5.HashData([5, .. "secret"u8.ToArray(), .. challenge]);
#pragma warning restore CA5351

        EapPacket response = client.Process(EapPacket.Request(5, EapType.Md5Challenge, new byte[] { 16 }.Concat(challenge).ToArray()))!.Value;

        Assert.Equal([16, .. expected], response.Data.ToArray());
    }

    [Fact]
    public void Md5_WrongSecret_Failure()
    {
        var server = new EapMd5Server(Secrets, new SeededRandom(3));
        var client = new EapMd5Client("nope"u8.ToArray());

        Assert.IsType<EapStep.Failure>(server.Process(client.Process(Parse(server.Start("alice", 9)))!.Value));
    }
}
